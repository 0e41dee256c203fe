// The Postgres MetadataDb's fsck queries over one or more clusters: the applied migrations,
// committed versions' block references counted per cluster (each over its own shards) and
// compared with the global blocks table on cluster 0.
import type pg from "pg";
import { SyncbenchError } from "../../core/errors.ts";
import type { RefCountMismatch } from "./metadata-db.port.ts";
import { toBytes, toHex } from "./metadata-db.pg-sql.ts";
import { checkedOut } from "./pg-client.ts";
import { shardSchema } from "./shard-router.ts";

export interface ClusterPool {
  readonly pool: pg.Pool;
  readonly shardIndexes: readonly number[];
}

/** Per shard: each committed version's distinct hashes, as one row each. */
const versionRefs = (shards: readonly number[]) =>
  shards
    .map(
      (i) =>
        `SELECT h FROM (SELECT DISTINCT v.version_id, h FROM ${shardSchema(i)}.file_versions v, unnest(v.block_hashes) h) s${i}`,
    )
    .join(" UNION ALL ");

/** Runs `body` on one read-only REPEATABLE READ snapshot of the pool's cluster. */
async function inSnapshot<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const { client, release } = await checkedOut(pool);
  let broken: unknown;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const result = await body(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // The connection may be gone: report the cause, and destroy the client if ROLLBACK fails too.
    await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
    throw error;
  } finally {
    release(broken);
  }
}

async function countRefs(
  client: pg.ClientBase,
  shards: readonly number[],
  refs: Map<string, number>,
): Promise<void> {
  const { rows } = await client.query<{ h: Buffer; n: string }>(
    `SELECT h, count(*) AS n FROM (${versionRefs(shards)}) x GROUP BY h`,
  );
  for (const r of rows) refs.set(toHex(r.h), (refs.get(toHex(r.h)) ?? 0) + Number(r.n));
}

/**
 * Compares each block's ref_count with the committed versions naming it. Cluster 0's versions and
 * the blocks table are read in one snapshot, so commits running meanwhile cannot show up as
 * mismatches there; shards on other clusters are read in snapshots of their own.
 */
export async function refCountMismatches(
  clusters: readonly ClusterPool[],
  limit: number,
): Promise<{ blocksChecked: number; mismatches: RefCountMismatch[] }> {
  const refs = new Map<string, number>();
  for (const { pool, shardIndexes } of clusters.slice(1))
    await inSnapshot(pool, (c) => countRefs(c, shardIndexes, refs));
  const first = clusters[0] as ClusterPool;
  const { blocks, blocksChecked } = await inSnapshot(first.pool, async (client) => {
    await countRefs(client, first.shardIndexes, refs);
    const rows = (
      await client.query<{ block_hash: Buffer; ref_count: string }>(
        "SELECT block_hash, ref_count FROM public.blocks WHERE ref_count > 0 OR block_hash = ANY($1::bytea[])",
        [[...refs.keys()].map(toBytes)],
      )
    ).rows;
    const count = await client.query<{ n: string }>("SELECT count(*) AS n FROM public.blocks");
    return { blocks: rows, blocksChecked: Number(count.rows[0]?.n ?? 0) };
  });
  const mismatches: RefCountMismatch[] = [];
  const seen = new Set<string>();
  for (const b of blocks) {
    const hash = toHex(b.block_hash);
    seen.add(hash);
    const n = refs.get(hash) ?? 0;
    if (Number(b.ref_count) !== n)
      mismatches.push({ hash, refCount: Number(b.ref_count), referencingVersions: n });
  }
  for (const [hash, n] of refs)
    if (!seen.has(hash)) mismatches.push({ hash, refCount: undefined, referencingVersions: n });
  mismatches.sort((a, b) => (a.hash < b.hash ? -1 : 1));
  return { blocksChecked, mismatches: mismatches.slice(0, limit) };
}

export async function referencedBlocks(
  clusters: readonly ClusterPool[],
  afterHash: string,
  limit: number,
): Promise<string[]> {
  const merged = new Set<string>();
  for (const { pool, shardIndexes } of clusters) {
    const union = shardIndexes
      .map((i) => `SELECT unnest(block_hashes) AS h FROM ${shardSchema(i)}.file_versions`)
      .join(" UNION ALL ");
    const { rows } = await pool.query<{ h: Buffer }>(
      `SELECT DISTINCT h FROM (${union}) x WHERE h > $1 ORDER BY h LIMIT $2`,
      [toBytes(afterHash), limit],
    );
    rows.forEach((r) => merged.add(toHex(r.h)));
  }
  return [...merged].sort().slice(0, limit);
}

/** A client of the pool, or ENV_STACK_UNREACHABLE naming the server when it does not answer. */
async function reach(pool: pg.Pool): Promise<Awaited<ReturnType<typeof checkedOut>>> {
  try {
    return await checkedOut(pool);
  } catch (error) {
    const { connectionString, host, port } = pool.options;
    const where = connectionString
      ? new URL(connectionString).host
      : `${host ?? "localhost"}:${port ?? 5432}`;
    throw new SyncbenchError(
      "ENV_STACK_UNREACHABLE",
      `Postgres at ${where} does not answer ` +
        `(${(error as Error).message}); nothing was checked`,
      { hint: "npx syncbench up", cause: error },
    );
  }
}

/** Read-only: the versions in every cluster's public.schema_migrations ([] where it is absent). */
export async function appliedMigrations(clusters: readonly ClusterPool[]): Promise<number[]> {
  let common: Set<number> | undefined;
  for (const { pool } of clusters) {
    const { client, release } = await reach(pool);
    try {
      const exists = await client.query<{ t: string | null }>(
        "SELECT to_regclass('public.schema_migrations') AS t",
      );
      const versions =
        exists.rows[0]?.t === null
          ? []
          : (
              await client.query<{ version: number }>(
                "SELECT version FROM public.schema_migrations",
              )
            ).rows.map((r) => r.version);
      common = new Set(versions.filter((v) => common === undefined || common.has(v)));
    } finally {
      release();
    }
  }
  return [...(common ?? [])].sort((a, b) => a - b);
}
