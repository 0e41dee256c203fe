// The shard router with shards on two Postgres clusters: a second cluster of our own (initdb, its
// own port, started and stopped by this file) holds shards 32..63, the stack's holds 0..31 and the
// global blocks table. The whole MetadataDb contract runs against that layout, then a check that
// each user's rows sit on the cluster that owns their shard.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NativeProvider } from "../../stack/native/native-provider.ts";
import { postgresService, postgresUrl } from "../../stack/native/postgres.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { loadStackConfig } from "../../stack/stack-config.ts";
import { metadataDbContract } from "../contract/metadata-db.contract.ts";
import { uniqueName } from "../contract/contract-helpers.ts";
import { useTestDatabase } from "../contract/test-database.ts";
import { PgMetadataDb } from "./metadata-db.pg.ts";
import { shardIndexOf, shardSchema, type ClusterAssignment } from "./shard-router.ts";

const rootDir = mkdtempSync(join(tmpdir(), "syncbench-cluster2-"));
chmodSync(rootDir, 0o755); // as root, the cluster runs as the postgres user, which must enter the folder
const stackConfig = loadStackConfig(process.env).native;
const config2 = {
  ...stackConfig,
  rootDir,
  cacheDir: join(rootDir, "cache"),
  ports: { ...stackConfig.ports, postgres: stackConfig.ports.postgres + 1 },
};
const second = new NativeProvider(config2, [postgresService(config2)]);
const first = useTestDatabase(stackEndpoints().postgresUrl, "cluster1", { migrate: false });
/** Never migrated, beside the migrated second cluster: no version is applied on every cluster. */
const unmigrated = useTestDatabase(stackEndpoints().postgresUrl, "cluster1_bare", {
  migrate: false,
});
let clusters: ClusterAssignment[] = [];

beforeAll(async () => {
  await second.up();
  clusters = [
    { url: first.url(), shardIndexes: Array.from({ length: 32 }, (_, i) => i) },
    { url: postgresUrl(config2), shardIndexes: Array.from({ length: 32 }, (_, i) => i + 32) },
  ];
  const db = new PgMetadataDb({ clusters });
  await db.migrate();
  await db.close();
}, 120_000);

afterAll(async () => {
  await second.down();
  rmSync(rootDir, { recursive: true, force: true });
});

metadataDbContract(
  "postgres, two clusters",
  async () => new PgMetadataDb({ clusters, poolMax: 4 }),
  {
    openUnmigrated: async () =>
      new PgMetadataDb({
        poolMax: 2,
        clusters: clusters.map((c, i) => (i === 0 ? { ...c, url: unmigrated.url() } : c)),
      }),
  },
);

describe("shards on two clusters", () => {
  it("puts each user's rows on the cluster that holds the user's shard, and no shard schema elsewhere", async () => {
    const db = new PgMetadataDb({ clusters });
    const users = Array.from({ length: 40 }, () => uniqueName("u"));
    for (const userId of users) {
      await db.commitVersion({
        userId,
        path: "/f",
        blockHashes: [],
        sizeBytes: 0,
        baseVersion: 0,
        changeType: "create",
        eventId: crypto.randomUUID(),
        nowMs: 1,
      });
    }
    await db.close();
    for (const [index, cluster] of clusters.entries()) {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const { rows: schemas } = await client.query<{ nspname: string }>(
          "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'shard\\_%'",
        );
        expect(schemas.map((r) => r.nspname).sort()).toEqual(
          cluster.shardIndexes.map(shardSchema).sort(),
        );
        for (const userId of users.filter((u) => cluster.shardIndexes.includes(shardIndexOf(u)))) {
          const { rows } = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${shardSchema(shardIndexOf(userId))}.files WHERE user_id = $1`,
            [userId],
          );
          expect(rows[0]?.n, `user ${userId} on cluster ${index}`).toBe("1");
        }
      } finally {
        await client.end();
      }
    }
  });
});
