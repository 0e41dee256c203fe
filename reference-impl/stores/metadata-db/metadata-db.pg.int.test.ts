// Runs the MetadataDb contract against real PostgreSQL, in a database created for this run (64
// shard schemas + the global blocks table via the migrations) and dropped afterwards; then checks
// what only Postgres can show: rows land in the user's shard schema, migrations are recorded,
// and a server that does not answer is named in an ENV_STACK_UNREACHABLE error.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataDbContract } from "../contract/metadata-db.contract.ts";
import { runId } from "../contract/contract-helpers.ts";
import { useTestDatabase } from "../contract/test-database.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { PgMetadataDb } from "./metadata-db.pg.ts";
import { shardIndexOf, shardSchema } from "./shard-router.ts";
import { migrations } from "./migrations/index.ts";

const endpoints = stackEndpoints();
const databaseName = `syncbench_contract_${runId.replace(/-/g, "")}`;
const adminUrl = endpoints.postgresUrl;
const testUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const db = new PgMetadataDb({ url: testUrl });
  expect((await db.migrate()).applied).toEqual(migrations.map((m) => m.version));
  await db.close();
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
});

const unmigrated = useTestDatabase(adminUrl, "unmigrated", { migrate: false });
metadataDbContract("postgres", async () => new PgMetadataDb({ url: testUrl, poolMax: 4 }), {
  openUnmigrated: async () => new PgMetadataDb({ url: unmigrated.url(), poolMax: 2 }),
});

describe("PgMetadataDb on PostgreSQL", () => {
  it("creates 64 shard schemas with the design's tables, the outbox and user_blocks", async () => {
    const client = new pg.Client({ connectionString: testUrl });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.tables
       WHERE table_schema LIKE 'shard\\_%' AND table_name IN ('files', 'file_versions', 'outbox', 'user_blocks')`,
    );
    await client.end();
    expect(Number(rows[0]?.n)).toBe(64 * 4);
  });

  it("stores a user's file in that user's shard schema only", async () => {
    const db = new PgMetadataDb({ url: testUrl });
    const user = `shard-check-${runId}`;
    await db.commitVersion({
      userId: user,
      path: "/x",
      blockHashes: [],
      sizeBytes: 0,
      baseVersion: 0,
      changeType: "create",
      eventId: crypto.randomUUID(),
      nowMs: 1,
    });
    await db.close();
    const client = new pg.Client({ connectionString: testUrl });
    await client.connect();
    const counts: number[] = [];
    for (let i = 0; i < 64; i++) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${shardSchema(i)}.files WHERE user_id = $1`,
        [user],
      );
      counts.push(Number(rows[0]?.n));
    }
    await client.end();
    expect(counts.findIndex((n) => n === 1)).toBe(shardIndexOf(user));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe("PgMetadataDb when Postgres does not answer", () => {
  it("appliedMigrations fails with ENV_STACK_UNREACHABLE naming the server", async () => {
    const db = new PgMetadataDb({ url: "postgres://syncbench@127.0.0.1:1/none", poolMax: 1 });
    try {
      await expect(db.appliedMigrations()).rejects.toMatchObject({
        code: "ENV_STACK_UNREACHABLE",
        message: expect.stringContaining("127.0.0.1:1"),
      });
    } finally {
      await db.close();
    }
  });
});
