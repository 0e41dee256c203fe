// The Postgres MetadataDb's garbage-collection statements (design/decisions "GC and dedup: a lease
// at upload-init, a deleting mark at sweep"). Every decision that could race with a commit or an
// upload is taken by one UPDATE under the block's row lock: the sweep marks a block deleting only
// if it is still at ref_count 0 and due, a commit's increment skips a block marked deleting, and
// upload-init's lease skips one too. A version's expiry takes back its references once, through
// a ledger on cluster 0 (gc_expired_versions), also when its shard is on another cluster and a
// worker dies between the two transactions.
import type pg from "pg";
import type {
  BlockLease,
  BlockRecord,
  ExpireVersionsInput,
  ExpireVersionsResult,
  SupersededVersion,
} from "./metadata-db.port.ts";
import { msToDate, toBytes, toHex } from "./metadata-db.pg-sql.ts";
import { shardIndexOf, shardSchema } from "./shard-router.ts";

type BlockRow = {
  block_hash: Buffer;
  size_bytes: number;
  ref_count: string;
  delete_after: Date | null;
  deleting_since: Date | null;
};

export const blockColumns = "block_hash, size_bytes, ref_count, delete_after, deleting_since";

export function toBlockRecord(row: BlockRow): BlockRecord {
  return {
    hash: toHex(row.block_hash),
    sizeBytes: row.size_bytes,
    refCount: Number(row.ref_count),
    deleteAfterMs: row.delete_after?.getTime(),
    deletingSinceMs: row.deleting_since?.getTime(),
  };
}

/**
 * The dedup check. Read first (one statement); only when present blocks sit at ref_count 0 does a
 * second statement lease them under their row locks, and a block the sweep marked in between is
 * not returned by it, so it is reported missing. A block at ref_count > 0 when read cannot be
 * marked before a full grace has passed (its count must drop to 0 first, which sets a new grace).
 */
export async function findMissingLeased(
  pool: pg.Pool,
  distinct: readonly string[],
  lease: BlockLease | undefined,
): Promise<string[]> {
  const { rows } = await pool.query<{ block_hash: Buffer; ref_count: string }>(
    `SELECT block_hash, ref_count FROM public.blocks
     WHERE block_hash = ANY($1::bytea[]) AND deleting_since IS NULL`,
    [distinct.map(toBytes)],
  );
  const present = new Set(rows.filter((r) => r.ref_count !== "0").map((r) => toHex(r.block_hash)));
  const unreferenced = rows.filter((r) => r.ref_count === "0").map((r) => r.block_hash);
  if (unreferenced.length > 0 && lease) {
    const leased = await pool.query<{ block_hash: Buffer }>(
      `UPDATE public.blocks SET delete_after = CASE WHEN ref_count = 0
         THEN GREATEST(delete_after, $2::timestamptz) ELSE delete_after END
       WHERE block_hash = ANY($1::bytea[]) AND deleting_since IS NULL RETURNING block_hash`,
      [unreferenced, msToDate(lease.nowMs + lease.graceMs)],
    );
    leased.rows.forEach((r) => present.add(toHex(r.block_hash)));
  } else {
    unreferenced.forEach((h) => present.add(toHex(h)));
  }
  return distinct.filter((h) => !present.has(h));
}

/** Queues superseded versions on their shards' version_expiry tables; repeats change nothing. */
export async function queueVersionExpiry(
  poolOfShard: (shardIndex: number) => pg.Pool,
  all: readonly SupersededVersion[],
): Promise<void> {
  const byShard = new Map<number, SupersededVersion[]>();
  for (const v of all)
    byShard.set(shardIndexOf(v.userId), [...(byShard.get(shardIndexOf(v.userId)) ?? []), v]);
  for (const [shardIndex, versions] of byShard) {
    await poolOfShard(shardIndex).query(
      `INSERT INTO ${shardSchema(shardIndex)}.version_expiry (user_id, path, version, superseded_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        versions.map((v) => v.userId),
        versions.map((v) => v.path),
        versions.map((v) => v.version),
        versions.map((v) => msToDate(v.supersededAtMs)),
      ],
    );
  }
}

type DueRow = {
  user_id: string;
  path: string;
  version: string;
  version_id: string | null;
  block_hashes: Buffer[] | null;
  latest_version: string | null;
};

export interface ExpiryPools {
  readonly shard: pg.Pool;
  readonly global: pg.Pool;
  /** Runs body in a transaction on the pool (commit when it says so). */
  readonly transaction: <T>(
    pool: pg.Pool,
    body: (client: pg.PoolClient) => Promise<{ result: T; commit: boolean }>,
  ) => Promise<T>;
  /** Test pause point between the global and the shard step (a worker that dies there). */
  readonly afterRefsReleased?: (() => Promise<void>) | undefined;
}

/**
 * Expires one batch of a shard's due versions: (1) read the due queue rows with their versions;
 * (2) on cluster 0, ledger each version and take back the references of the newly ledgered ones;
 * (3) on the shard, delete the version rows and the queue rows; (4) drop the ledger rows.
 */
export async function expireVersions(
  pools: ExpiryPools,
  shardIndex: number,
  input: ExpireVersionsInput,
): Promise<ExpireVersionsResult> {
  const schema = shardSchema(shardIndex);
  const { rows } = await pools.shard.query<DueRow>(
    `SELECT q.user_id, q.path, q.version, v.version_id, v.block_hashes, f.latest_version
     FROM ${schema}.version_expiry q
     LEFT JOIN ${schema}.files f ON f.user_id = q.user_id AND f.path = q.path
     LEFT JOIN ${schema}.file_versions v ON v.file_id = f.file_id AND v.version = q.version
     WHERE q.superseded_at < $1 ORDER BY q.superseded_at LIMIT $2`,
    [msToDate(input.supersededBeforeMs), input.limit],
  );
  if (rows.length === 0) return { versionsExpired: 0, refsReleased: 0, blocksOrphaned: 0 };
  // Never the current version: a queue row naming it (or a version already gone) is dropped.
  const eligible = rows.filter(
    (r) => r.version_id !== null && Number(r.version) < Number(r.latest_version ?? 0),
  );
  const released = await pools.transaction(pools.global, async (client) => ({
    result: await releaseRefs(client, shardIndex, eligible, input),
    commit: true,
  }));
  await pools.afterRefsReleased?.();
  const ids = eligible.map((r) => r.version_id as string);
  await pools.transaction(pools.shard, async (client) => {
    await client.query(`DELETE FROM ${schema}.file_versions WHERE version_id = ANY($1::bigint[])`, [
      ids,
    ]);
    await client.query(
      `DELETE FROM ${schema}.version_expiry q USING unnest($1::text[], $2::text[], $3::bigint[])
       AS d(user_id, path, version)
       WHERE q.user_id = d.user_id AND q.path = d.path AND q.version = d.version`,
      [rows.map((r) => r.user_id), rows.map((r) => r.path), rows.map((r) => r.version)],
    );
    return { result: undefined, commit: true };
  });
  await pools.global.query(
    "DELETE FROM public.gc_expired_versions WHERE shard_index = $1 AND version_id = ANY($2::bigint[])",
    [shardIndex, ids],
  );
  return { versionsExpired: eligible.length, ...released };
}

/** Ledgers the versions; decrements once per distinct block of each version ledgered now. */
async function releaseRefs(
  client: pg.ClientBase,
  shardIndex: number,
  eligible: readonly DueRow[],
  input: ExpireVersionsInput,
): Promise<{ refsReleased: number; blocksOrphaned: number }> {
  const fresh = await client.query<{ version_id: string }>(
    `INSERT INTO public.gc_expired_versions (shard_index, version_id, expired_at)
     SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING RETURNING version_id`,
    [shardIndex, eligible.map((r) => r.version_id), msToDate(input.nowMs)],
  );
  const freshIds = new Set(fresh.rows.map((r) => r.version_id));
  const counts = new Map<string, number>();
  for (const row of eligible.filter((r) => freshIds.has(r.version_id as string))) {
    for (const hash of new Set((row.block_hashes ?? []).map(toHex)))
      counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  if (counts.size === 0) return { refsReleased: 0, blocksOrphaned: 0 };
  const updated = await client.query<{ ref_count: string; n: number }>(
    `UPDATE public.blocks b SET ref_count = b.ref_count - d.n,
       delete_after = CASE WHEN b.ref_count - d.n = 0 THEN $3::timestamptz ELSE b.delete_after END
     FROM unnest($1::bytea[], $2::int[]) AS d(h, n)
     WHERE b.block_hash = d.h AND b.ref_count >= d.n RETURNING b.ref_count, d.n`,
    [[...counts.keys()].map(toBytes), [...counts.values()], msToDate(input.nowMs + input.graceMs)],
  );
  return {
    refsReleased: updated.rows.reduce((sum, r) => sum + Number(r.n), 0),
    blocksOrphaned: updated.rows.filter((r) => r.ref_count === "0").length,
  };
}

/** Blocks whose deletion began and did not end, then due unreferenced blocks, oldest first. */
export async function gcCandidates(
  pool: pg.Pool,
  nowMs: number,
  limit: number,
): Promise<BlockRecord[]> {
  const { rows } = await pool.query<BlockRow>(
    `(SELECT ${blockColumns} FROM public.blocks WHERE deleting_since IS NOT NULL
       ORDER BY deleting_since LIMIT $2)
     UNION ALL
     (SELECT ${blockColumns} FROM public.blocks WHERE delete_after IS NOT NULL
       AND delete_after <= $1 AND ref_count = 0 AND deleting_since IS NULL
       ORDER BY delete_after LIMIT $2)`,
    [msToDate(nowMs), limit],
  );
  return rows.slice(0, limit).map(toBlockRecord);
}

export async function beginBlockDeletion(
  pool: pg.Pool,
  hashes: readonly string[],
  nowMs: number,
): Promise<string[]> {
  const { rows } = await pool.query<{ block_hash: Buffer }>(
    `UPDATE public.blocks SET deleting_since = COALESCE(deleting_since, $2)
     WHERE block_hash = ANY($1::bytea[]) AND ref_count = 0
       AND (deleting_since IS NOT NULL OR delete_after <= $2) RETURNING block_hash`,
    [hashes.map(toBytes), msToDate(nowMs)],
  );
  return rows.map((r) => toHex(r.block_hash));
}

export async function finishBlockDeletion(
  pool: pg.Pool,
  hashes: readonly string[],
): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM public.blocks
     WHERE block_hash = ANY($1::bytea[]) AND deleting_since IS NOT NULL AND ref_count = 0`,
    [hashes.map(toBytes)],
  );
  return rowCount ?? 0;
}

export async function overdueBlocks(
  pool: pg.Pool,
  deleteAfterBeforeMs: number,
  limit: number,
): Promise<BlockRecord[]> {
  const { rows } = await pool.query<BlockRow>(
    `SELECT ${blockColumns} FROM public.blocks
     WHERE ref_count = 0 AND delete_after < $1 ORDER BY block_hash LIMIT $2`,
    [msToDate(deleteAfterBeforeMs), limit],
  );
  return rows.map(toBlockRecord);
}
