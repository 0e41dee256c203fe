// MetadataDb on PostgreSQL: 64 shard schemas (shard_00..shard_63) and the global blocks table,
// reached through one pool per cluster with schema-qualified names (64 schemas cost 0.2 s and 8 MB;
// 64 databases 4.7 s, 472 MB and 16x the backends: notes/infrastructure.md section 1.3). The shard
// router maps user -> shard -> cluster; cluster 0 also holds the global tables.
// A commit on a shard of cluster 0 is one transaction (file row, version, ref counts, outbox). A
// shard on another cluster cannot share a transaction with `blocks`, so the ref counts are added
// first and taken back if the shard step fails: a crash in between over-counts (a leak fsck
// reports), never under-counts (GC deleting a referenced block).
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { migrations } from "./migrations/index.ts";
import {
  findMissingHashesMax,
  gcBatchRowsMax,
  listPageRowsMax,
  shardCount,
  type BlockLease,
  type BlockRecord,
  type CommitInput,
  type CommitResult,
  type ExpireVersionsInput,
  type ExpireVersionsResult,
  type FileChangedEvent,
  type FileRecord,
  type ListPage,
  type MetadataDb,
  type OutboxRow,
  type RefCountMismatch,
  type SupersededVersion,
  type VersionRecord,
  versionListRowsMax,
} from "./metadata-db.port.ts";
import * as gc from "./metadata-db.pg-gc.ts";
import {
  commitOnShard,
  decrementRefs,
  fileColumns,
  grantSql,
  incrementRefs,
  msToDate,
  toBytes,
  toFileRecord,
  toHex,
  type FileRow,
} from "./metadata-db.pg-sql.ts";
import {
  appliedMigrations,
  refCountMismatches,
  referencedBlocks,
  type ClusterPool,
} from "./metadata-db.pg-fsck.ts";
import { checkedOut, pgPool } from "./pg-client.ts";
import {
  checkCommitInput,
  checkGcLimit,
  checkHashes,
  checkListLimit,
  blockBeingDeleted,
  checkShardIndex,
  checkSuperseded,
} from "./metadata-db.validate.ts";
import { shardIndexOf, shardSchema, singleCluster, validateClusterMap } from "./shard-router.ts";
import { isSyncbenchError, SyncbenchError } from "../../core/errors.ts";
import type { PgMetadataDbConfig } from "./metadata-db.pg-config.ts";

export type { PgMetadataDbConfig } from "./metadata-db.pg-config.ts";

type OutboxRowDb = { outbox_id: string; payload: FileChangedEvent; created_at: Date };
type ClaimRowDb = OutboxRowDb & { claimed_until: Date | null };
const toOutboxRow =
  (shardIndex: number) =>
  (r: OutboxRowDb): OutboxRow => ({
    outboxId: Number(r.outbox_id),
    shardIndex,
    event: r.payload,
    createdAtMs: r.created_at.getTime(),
  });

export class PgMetadataDb implements MetadataDb {
  private readonly clusters: ClusterPool[];
  private readonly poolByShard: pg.Pool[] = [];
  private readonly graceMs: number;
  private readonly log: (line: string) => void;
  private readonly outboxLeaseMs: number;

  constructor(config: PgMetadataDbConfig) {
    this.log = config.log ?? ((line) => process.stderr.write(`metadata-db: ${line}\n`));
    const map = config.clusters ?? singleCluster(config.url ?? "");
    const errors = validateClusterMap(map);
    if (errors.length > 0 || map.some((c) => !c.url)) {
      throw new SyncbenchError(
        "CONFIG_INVALID",
        `invalid cluster map: ${errors.join("; ") || "a cluster has no url"}`,
      );
    }
    this.clusters = map.map((c) => {
      // An idle client lost its server: the pool drops it and the next query reconnects or fails.
      const pool = pgPool(
        { connectionString: c.url, max: config.poolMax ?? 8, connectionTimeoutMillis: 5000 },
        (error) => this.log(`idle connection to ${new URL(c.url).host} lost: ${error.message}`),
      );
      return { pool, shardIndexes: c.shardIndexes };
    });
    for (const cluster of this.clusters)
      for (const shard of cluster.shardIndexes) this.poolByShard[shard] = cluster.pool;
    this.graceMs = config.graceMs ?? 72 * 3_600_000;
    this.outboxLeaseMs = config.outboxLeaseMs ?? 30_000;
  }

  /** Queries waiting for a free connection, summed over the clusters' pools. */
  poolWaitingCount(): number {
    let waiting = 0;
    for (const cluster of this.clusters) waiting += cluster.pool.waitingCount;
    return waiting;
  }

  private get global(): pg.Pool {
    return (this.clusters[0] as ClusterPool).pool;
  }

  private shardPool(userId: string): { pool: pg.Pool; schema: string; shardIndex: number } {
    const shardIndex = shardIndexOf(userId);
    return {
      pool: this.poolByShard[shardIndex] as pg.Pool,
      schema: shardSchema(shardIndex),
      shardIndex,
    };
  }

  async migrate(): Promise<{ applied: number[] }> {
    const applied = new Set<number>();
    for (const [index, cluster] of this.clusters.entries()) {
      for (const v of await migrateCluster(cluster, index === 0)) applied.add(v);
    }
    return { applied: [...applied].sort((a, b) => a - b) };
  }

  async findMissingBlocks(hashes: readonly string[], lease?: BlockLease): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    return gc.findMissingLeased(this.global, [...new Set(hashes)], lease);
  }

  async recordBlock(input: {
    hash: string;
    sizeBytes: number;
    nowMs: number;
    graceMs: number;
  }): Promise<void> {
    checkHashes([input.hash], 1);
    // Under the row lock: an unreferenced block gets a fresh grace, a referenced one is unchanged,
    // and one the sweep marked deleting is refused (no row returned).
    const { rowCount } = await this.global.query(
      `INSERT INTO public.blocks (block_hash, size_bytes, ref_count, created_at, delete_after)
       VALUES ($1, $2, 0, $3, $4) ON CONFLICT (block_hash) DO UPDATE
       SET delete_after = CASE WHEN public.blocks.ref_count = 0
         THEN GREATEST(public.blocks.delete_after, EXCLUDED.delete_after)
         ELSE public.blocks.delete_after END
       WHERE public.blocks.deleting_since IS NULL RETURNING 1`,
      [
        toBytes(input.hash),
        input.sizeBytes,
        msToDate(input.nowMs),
        msToDate(input.nowMs + input.graceMs),
      ],
    );
    if (rowCount === 0) throw blockBeingDeleted(input.hash);
  }

  async blockSizes(hashes: readonly string[]): Promise<Map<string, number>> {
    checkHashes(hashes, findMissingHashesMax);
    // Named: each connection parses and plans it once (a block list asks it on every download).
    const { rows } = await this.global.query<{ block_hash: Buffer; size_bytes: number }>({
      name: "block-sizes",
      text: "SELECT block_hash, size_bytes FROM public.blocks WHERE block_hash = ANY($1::bytea[])",
      values: [hashes.map(toBytes)],
    });
    return new Map(rows.map((r) => [toHex(r.block_hash), Number(r.size_bytes)]));
  }

  async getBlock(hash: string): Promise<BlockRecord | undefined> {
    checkHashes([hash], 1);
    const { rows } = await this.global.query<Parameters<typeof gc.toBlockRecord>[0]>(
      `SELECT ${gc.blockColumns} FROM public.blocks WHERE block_hash = $1`,
      [toBytes(hash)],
    );
    return rows[0] && gc.toBlockRecord(rows[0]);
  }

  async commitVersion(input: CommitInput): Promise<CommitResult> {
    checkCommitInput(input);
    const { pool, schema, shardIndex } = this.shardPool(input.userId);
    const distinct = [...new Set(input.blockHashes)];
    if (pool === this.global) {
      return inTransaction<CommitResult>(pool, async (client) => {
        const result = await commitOnShard(client, schema, shardIndex, input);
        if (!result.ok || result.replayed) return { result, commit: false };
        const missing = await incrementRefs(client, distinct);
        return missing.length > 0
          ? { result: { ok: false, reason: "missing-blocks", missing }, commit: false }
          : { result, commit: true };
      });
    }
    const missing = await inTransaction(this.global, async (client) => {
      const absent = await incrementRefs(client, distinct);
      return { result: absent, commit: absent.length === 0 };
    });
    if (missing.length > 0) return { ok: false, reason: "missing-blocks", missing };
    try {
      const result = await inTransaction(pool, async (client) => {
        const r = await commitOnShard(client, schema, shardIndex, input);
        return { result: r, commit: r.ok && r.replayed !== true };
      });
      if (!result.ok || result.replayed) await this.takeBackRefs(distinct, input.nowMs);
      return result;
    } catch (error) {
      // A refused reuse of an eventId wrote nothing here: the outbox row settle would find is the
      // earlier commit's, so it would keep this attempt's references (an over-count fsck reports).
      if (isSyncbenchError(error, "COMMIT_ID_REUSED")) {
        await this.takeBackRefs(distinct, input.nowMs);
      } else {
        await this.settleFailedShardStep(pool, schema, shardIndex, input, distinct, error);
      }
      throw error;
    }
  }

  /**
   * The shard step failed, perhaps after its COMMIT reached the server (a lost reply). Take the
   * references back only when the shard provably holds no such commit; when that cannot be
   * learnt, keep them: an over-count is a leak fsck reports, an under-count could let GC delete
   * a referenced block.
   */
  private async settleFailedShardStep(
    pool: pg.Pool,
    schema: string,
    shardIndex: number,
    input: CommitInput,
    distinct: readonly string[],
    cause: unknown,
  ): Promise<void> {
    try {
      const { rows } = await pool.query(`SELECT 1 FROM ${schema}.outbox WHERE event_id = $1`, [
        input.eventId,
      ]);
      if (rows.length === 0) await this.takeBackRefs(distinct, input.nowMs);
    } catch (error) {
      this.log(
        `commit ${input.eventId} on shard ${shardIndex} failed (${(cause as Error).message}) and its outcome ` +
          `could not be read (${(error as Error).message}): ${distinct.length} ref count(s) stay raised; fsck reports them`,
      );
    }
  }

  private async takeBackRefs(distinct: readonly string[], nowMs: number): Promise<void> {
    await inTransaction(this.global, async (c) => ({
      result: await decrementRefs(c, distinct, nowMs, this.graceMs),
      commit: true,
    }));
  }

  async getFile(userId: string, path: string): Promise<FileRecord | undefined> {
    const { pool, schema } = this.shardPool(userId);
    const { rows } = await pool.query<FileRow>(
      `SELECT ${fileColumns} FROM ${schema}.files WHERE user_id = $1 AND path = $2`,
      [userId, path],
    );
    return rows[0] ? toFileRecord(rows[0]) : undefined;
  }

  async listFiles(
    userId: string,
    options: { afterPath?: string; prefix?: string; limit: number },
  ): Promise<ListPage> {
    checkListLimit(options.limit, listPageRowsMax);
    const { pool, schema } = this.shardPool(userId);
    const { rows } = await pool.query<FileRow>(
      `SELECT ${fileColumns} FROM ${schema}.files WHERE user_id = $1 AND path COLLATE "C" > $2
       AND starts_with(path, $4) ORDER BY path COLLATE "C" LIMIT $3`,
      [userId, options.afterPath ?? "", options.limit + 1, options.prefix ?? ""],
    );
    const files = rows.slice(0, options.limit).map(toFileRecord);
    return {
      files,
      nextAfterPath: rows.length > options.limit ? files[files.length - 1]?.path : undefined,
    };
  }

  async getVersion(
    userId: string,
    path: string,
    version: number,
  ): Promise<VersionRecord | undefined> {
    if (!Number.isSafeInteger(version) || version < 1) return undefined;
    return (await this.versionRows(userId, path, "AND v.version = $3", [version], "one"))[0];
  }

  async listVersions(userId: string, path: string, limit: number): Promise<VersionRecord[]> {
    checkListLimit(limit, versionListRowsMax);
    return this.versionRows(userId, path, "ORDER BY v.version DESC LIMIT $3", [limit], "latest");
  }

  private async versionRows(
    userId: string,
    path: string,
    tail: string,
    extra: unknown[],
    /** Names the prepared statement with the schema: the text differs per shard and per tail. */
    tailName: "one" | "latest",
  ): Promise<VersionRecord[]> {
    const { pool, schema } = this.shardPool(userId);
    const { rows } = await pool.query<{
      version: string;
      size_bytes: string;
      block_hashes: Buffer[];
      change_type: VersionRecord["changeType"];
      created_at: Date;
    }>({
      name: `version-rows-${schema}-${tailName}`,
      text: `SELECT v.version, v.size_bytes, v.block_hashes, v.change_type, v.created_at
       FROM ${schema}.file_versions v JOIN ${schema}.files f ON f.file_id = v.file_id
       WHERE f.user_id = $1 AND f.path = $2 ${tail}`,
      values: [userId, path, ...extra],
    });
    return rows.map((r) => ({
      version: Number(r.version),
      sizeBytes: Number(r.size_bytes),
      blockHashes: r.block_hashes.map(toHex),
      changeType: r.change_type,
      createdAtMs: r.created_at.getTime(),
    }));
  }

  async ownedBlocks(userId: string, hashes: readonly string[]): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    const { pool, schema } = this.shardPool(userId);
    const { rows } = await pool.query<{ block_hash: Buffer }>(
      `SELECT block_hash FROM ${schema}.user_blocks WHERE user_id = $1 AND block_hash = ANY($2::bytea[])`,
      [userId, hashes.map(toBytes)],
    );
    const owned = new Set(rows.map((r) => toHex(r.block_hash)));
    return [...new Set(hashes)].filter((h) => owned.has(h));
  }

  async grantBlocks(userId: string, hashes: readonly string[]): Promise<void> {
    checkHashes(hashes, findMissingHashesMax);
    const { pool, schema } = this.shardPool(userId);
    await pool.query(grantSql(schema), [userId, hashes.map(toBytes)]);
  }

  /**
   * Claim, publish, mark: the claim and the mark are short transactions, and no transaction is
   * open while `publish` talks to Kafka (kafkajs retries for tens of seconds when the broker is
   * down). Per-shard order: when an earlier unsent row is under another relay's live lease, this
   * drain claims nothing and leaves the shard to that relay.
   */
  async drainOutbox(
    shardIndex: number,
    limit: number,
    publish: (rows: readonly OutboxRow[]) => Promise<void>,
    nowMs: number,
  ): Promise<number> {
    const schema = shardSchema(shardIndex);
    const pool = this.poolByShard[shardIndex] as pg.Pool;
    const claimId = randomUUID();
    const claimed = await inTransaction(pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(727002, $1)", [shardIndex]); // one claimer at a time
      const { rows } = await client.query<ClaimRowDb>(
        `SELECT outbox_id, payload, created_at, claimed_until
        FROM ${schema}.outbox WHERE sent_at IS NULL ORDER BY outbox_id LIMIT $1`,
        [limit],
      );
      if (
        rows.length === 0 ||
        rows.some((r) => r.claimed_until !== null && r.claimed_until.getTime() > nowMs)
      ) {
        return { result: [], commit: false };
      }
      await client.query(
        `UPDATE ${schema}.outbox SET claimed_until = $2, claimed_by = $3
        WHERE outbox_id = ANY($1::bigint[])`,
        [rows.map((r) => r.outbox_id), msToDate(nowMs + this.outboxLeaseMs), claimId],
      );
      return { result: rows.map(toOutboxRow(shardIndex)), commit: true };
    });
    if (claimed.length === 0) return 0;
    const ids = claimed.map((r) => r.outboxId);
    try {
      await publish(claimed);
    } catch (error) {
      // Give the rows back at once; if this fails too, the lease runs out and they go out later.
      await pool
        .query(
          `UPDATE ${schema}.outbox SET claimed_until = NULL, claimed_by = NULL
        WHERE outbox_id = ANY($1::bigint[]) AND claimed_by = $2 AND sent_at IS NULL`,
          [ids, claimId],
        )
        .catch((releaseError: unknown) =>
          this.log(
            `outbox claim on shard ${shardIndex} kept until its lease ends: ` +
              `${(releaseError as Error).message}`,
          ),
        );
      throw error;
    }
    // Published: mark them sent whoever holds the claim now (a relay that took them after our lease
    // ran out sends a duplicate with the same event id, never a loss).
    await pool.query(
      `UPDATE ${schema}.outbox SET sent_at = $2, claimed_until = NULL, claimed_by = NULL
      WHERE outbox_id = ANY($1::bigint[]) AND sent_at IS NULL`,
      [ids, msToDate(nowMs)],
    );
    return claimed.length;
  }

  appliedMigrations(): Promise<number[]> {
    return appliedMigrations(this.clusters);
  }

  refCountMismatches(
    limit: number,
  ): Promise<{ blocksChecked: number; mismatches: RefCountMismatch[] }> {
    return refCountMismatches(this.clusters, limit);
  }

  referencedBlocks(afterHash: string, limit: number): Promise<string[]> {
    return referencedBlocks(this.clusters, afterHash, limit);
  }

  async staleOutbox(
    shardIndex: number,
    createdBeforeMs: number,
    limit: number,
  ): Promise<OutboxRow[]> {
    const { rows } = await (this.poolByShard[shardIndex] as pg.Pool).query<OutboxRowDb>(
      `SELECT outbox_id, payload, created_at FROM ${shardSchema(shardIndex)}.outbox
       WHERE sent_at IS NULL AND created_at < $1 ORDER BY outbox_id LIMIT $2`,
      [msToDate(createdBeforeMs), limit],
    );
    return rows.map(toOutboxRow(shardIndex));
  }

  async shardsWithUnsentEvents(): Promise<number[]> {
    const found: number[] = [];
    for (const { pool, shardIndexes } of this.clusters) {
      const probes = shardIndexes.map(
        (i) =>
          `SELECT ${i} AS shard WHERE EXISTS (SELECT 1 FROM ${shardSchema(i)}.outbox WHERE sent_at IS NULL)`,
      );
      found.push(
        ...(await pool.query<{ shard: number }>(probes.join(" UNION ALL "))).rows.map(
          (r) => r.shard,
        ),
      );
    }
    return found.sort((a, b) => a - b);
  }

  async readOutbox(shardIndex: number, limit: number): Promise<OutboxRow[]> {
    const { rows } = await (this.poolByShard[shardIndex] as pg.Pool).query<OutboxRowDb>(
      `SELECT outbox_id, payload, created_at FROM ${shardSchema(shardIndex)}.outbox
       WHERE sent_at IS NULL ORDER BY outbox_id LIMIT $1`,
      [limit],
    );
    return rows.map(toOutboxRow(shardIndex));
  }

  async markOutboxSent(
    shardIndex: number,
    outboxIds: readonly number[],
    nowMs: number,
  ): Promise<void> {
    await (this.poolByShard[shardIndex] as pg.Pool).query(
      `UPDATE ${shardSchema(shardIndex)}.outbox SET sent_at = $2
      WHERE outbox_id = ANY($1::bigint[]) AND sent_at IS NULL`,
      [outboxIds, msToDate(nowMs)],
    );
  }

  async queueVersionExpiry(versions: readonly SupersededVersion[]): Promise<void> {
    checkSuperseded(versions, gcBatchRowsMax);
    await gc.queueVersionExpiry((i) => this.poolByShard[i] as pg.Pool, versions);
  }

  /** `afterRefsReleased`: a test's pause point between the global and the shard step. */
  async expireVersions(
    shardIndex: number,
    input: ExpireVersionsInput,
    afterRefsReleased?: () => Promise<void>,
  ): Promise<ExpireVersionsResult> {
    checkShardIndex(shardIndex, shardCount);
    checkGcLimit(input.limit, gcBatchRowsMax);
    const shard = this.poolByShard[shardIndex] as pg.Pool;
    const pools = { shard, global: this.global, transaction: inTransaction, afterRefsReleased };
    return gc.expireVersions(pools, shardIndex, input);
  }

  async gcCandidates(nowMs: number, limit: number): Promise<BlockRecord[]> {
    checkGcLimit(limit, gcBatchRowsMax);
    return gc.gcCandidates(this.global, nowMs, limit);
  }

  async beginBlockDeletion(hashes: readonly string[], nowMs: number): Promise<string[]> {
    checkHashes(hashes, gcBatchRowsMax);
    return gc.beginBlockDeletion(this.global, hashes, nowMs);
  }

  async finishBlockDeletion(hashes: readonly string[]): Promise<number> {
    checkHashes(hashes, gcBatchRowsMax);
    return gc.finishBlockDeletion(this.global, hashes);
  }

  async overdueBlocks(deleteAfterBeforeMs: number, limit: number): Promise<BlockRecord[]> {
    checkGcLimit(limit, gcBatchRowsMax);
    return gc.overdueBlocks(this.global, deleteAfterBeforeMs, limit);
  }

  async close(): Promise<void> {
    await Promise.all(this.clusters.map((c) => c.pool.end()));
  }
}

/** Runs body in a transaction; commits when it says so, rolls back otherwise or on error. */
async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<{ result: T; commit: boolean }>,
): Promise<T> {
  // The client carries an 'error' listener while it is out: a server lost between two queries
  // fails the next query (a 503 upstream), not the process.
  const { client, release } = await checkedOut(pool);
  let broken: unknown;
  try {
    await client.query("BEGIN");
    const { result, commit } = await body(client);
    await client.query(commit ? "COMMIT" : "ROLLBACK");
    return result;
  } catch (error) {
    // The connection may be gone: report the cause, and destroy the client if ROLLBACK fails too.
    await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
    throw error;
  } finally {
    release(broken);
  }
}

async function migrateCluster(cluster: ClusterPool, holdsGlobal: boolean): Promise<number[]> {
  return inTransaction(cluster.pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(727001)"); // one migrator at a time
    await client.query(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(
      "SELECT version FROM public.schema_migrations",
    );
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.version))) {
      if (holdsGlobal && migration.globalSql) await client.query(migration.globalSql);
      for (const shard of cluster.shardIndexes)
        await client.query(migration.shardSql(shardSchema(shard)));
      await client.query("INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { result: applied, commit: true };
  });
}
