// A Postgres database of its own for one integration test file: created and migrated before the
// tests, dropped (with its connections) after them, so files never see each other's rows.
import { afterAll, beforeAll } from "vitest";
import { PgMetadataDb } from "../metadata-db/metadata-db.pg.ts";
import { withPgClient } from "../metadata-db/pg-client.ts";
import { uniqueName } from "./contract-helpers.ts";

/** `migrate: false` leaves the schema to the test (a multi-cluster layout migrates its own way). */
export function useTestDatabase(
  adminUrl: string,
  label: string,
  options: { migrate?: boolean } = {},
): { url: () => string } {
  const name = uniqueName(`syncbench_${label}`).replace(/-/g, "_");
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = async (sql: string) => {
    await withPgClient({ connectionString: adminUrl }, (client) => client.query(sql));
  };
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    if (options.migrate === false) return;
    const db = new PgMetadataDb({ url });
    await db.migrate();
    await db.close();
  });
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { url: () => url };
}
