// MetadataDb on PostgreSQL: 64 shard schemas and the global blocks table in one cluster, reached
// through one pool with schema-qualified names (64 schemas cost 0.2 s and 8 MB; 64 databases 4.7 s,
// 472 MB and 16x the backends: ../shared/notes/infrastructure.md section 1.3).
// Version commits use optimistic concurrency in SQL (INSERT ... ON CONFLICT DO NOTHING for a new
// file, UPDATE ... WHERE latest_version = base for an edit), so a stale base is a conflict, never a
// silent overwrite, and the ref counts and the outbox row commit in the same transaction.
import pg from "pg";
import { migrations } from "./migrations/index.ts";
import {
  findMissingHashesMax, listPageRowsMax, shardCount, type BlockRecord, type CommitInput, type CommitResult,
  type FileChangedEvent, type FileRecord, type ListPage, type MetadataDb, type OutboxRow, type RefCountMismatch,
} from "./metadata-db.port.ts";
import { shardIndexOf, shardSchema } from "./shard-router.ts";
import { checkCommitInput, checkHashes, checkListLimit } from "./metadata-db.validate.ts";

export interface PgMetadataDbConfig {
  readonly url: string;
  readonly poolMax?: number;
}

const toBytes = (hex: string) => Buffer.from(hex, "hex");
const toHex = (bytes: Buffer) => bytes.toString("hex");
const msToDate = (ms: number) => new Date(ms);

export class PgMetadataDb implements MetadataDb {
  private readonly pool: pg.Pool;

  constructor(config: PgMetadataDbConfig) {
    this.pool = new pg.Pool({ connectionString: config.url, max: config.poolMax ?? 8,
      connectionTimeoutMillis: 5000 });
    // An idle client that loses its server emits 'error' on the pool; the next query reports it.
    this.pool.on("error", () => undefined);
  }

  async migrate(): Promise<{ applied: number[] }> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(727001)"); // one migrator at a time
      await client.query(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number }>("SELECT version FROM public.schema_migrations");
      const done = new Set(rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of migrations.filter((m) => !done.has(m.version))) {
        await client.query(migration.globalSql);
        for (let i = 0; i < shardCount; i++) await client.query(migration.shardSql(shardSchema(i)));
        await client.query("INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)",
          [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query("COMMIT");
      return { applied };
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  async findMissingBlocks(hashes: readonly string[]): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    const { rows } = await this.pool.query<{ block_hash: Buffer }>(
      "SELECT block_hash FROM public.blocks WHERE block_hash = ANY($1::bytea[])", [hashes.map(toBytes)]);
    const present = new Set(rows.map((r) => toHex(r.block_hash)));
    return [...new Set(hashes)].filter((h) => !present.has(h));
  }

  async recordBlock(input: { hash: string; sizeBytes: number; nowMs: number; graceMs: number }): Promise<void> {
    checkHashes([input.hash], 1);
    await this.pool.query(
      `INSERT INTO public.blocks (block_hash, size_bytes, ref_count, created_at, delete_after)
       VALUES ($1, $2, 0, $3, $4) ON CONFLICT (block_hash) DO NOTHING`,
      [toBytes(input.hash), input.sizeBytes, msToDate(input.nowMs), msToDate(input.nowMs + input.graceMs)]);
  }

  async getBlock(hash: string): Promise<BlockRecord | undefined> {
    checkHashes([hash], 1);
    const { rows } = await this.pool.query<{ size_bytes: number; ref_count: string; delete_after: Date | null }>(
      "SELECT size_bytes, ref_count, delete_after FROM public.blocks WHERE block_hash = $1", [toBytes(hash)]);
    const row = rows[0];
    if (!row) return undefined;
    return { hash, sizeBytes: row.size_bytes, refCount: Number(row.ref_count),
      deleteAfterMs: row.delete_after?.getTime() };
  }

  async commitVersion(input: CommitInput): Promise<CommitResult> {
    checkCommitInput(input);
    const shardIndex = shardIndexOf(input.userId);
    const schema = shardSchema(shardIndex);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await commitInTransaction(client, schema, shardIndex, input);
      await client.query(result.ok ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined); // the connection may be gone; report the cause
      throw error;
    } finally {
      client.release();
    }
  }

  async getFile(userId: string, path: string): Promise<FileRecord | undefined> {
    const { rows } = await this.pool.query<FileRow>(
      `SELECT ${fileColumns} FROM ${shardSchema(shardIndexOf(userId))}.files WHERE user_id = $1 AND path = $2`,
      [userId, path]);
    return rows[0] ? toFileRecord(rows[0]) : undefined;
  }

  async listFiles(userId: string, options: { afterPath?: string; limit: number }): Promise<ListPage> {
    checkListLimit(options.limit, listPageRowsMax);
    const { rows } = await this.pool.query<FileRow>(
      `SELECT ${fileColumns} FROM ${shardSchema(shardIndexOf(userId))}.files
       WHERE user_id = $1 AND path COLLATE "C" > $2 ORDER BY path COLLATE "C" LIMIT $3`,
      [userId, options.afterPath ?? "", options.limit + 1]);
    const files = rows.slice(0, options.limit).map(toFileRecord);
    const more = rows.length > options.limit;
    return { files, nextAfterPath: more ? files[files.length - 1]?.path : undefined };
  }

  async ownedBlocks(userId: string, hashes: readonly string[]): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    const { rows } = await this.pool.query<{ block_hash: Buffer }>(
      `SELECT block_hash FROM ${shardSchema(shardIndexOf(userId))}.user_blocks
       WHERE user_id = $1 AND block_hash = ANY($2::bytea[])`, [userId, hashes.map(toBytes)]);
    const owned = new Set(rows.map((r) => toHex(r.block_hash)));
    return [...new Set(hashes)].filter((h) => owned.has(h));
  }

  async grantBlocks(userId: string, hashes: readonly string[]): Promise<void> {
    checkHashes(hashes, findMissingHashesMax);
    await this.pool.query(grantSql(shardSchema(shardIndexOf(userId))), [userId, hashes.map(toBytes)]);
  }

  async drainOutbox(shardIndex: number, limit: number, publish: (rows: readonly OutboxRow[]) => Promise<void>,
    nowMs: number): Promise<number> {
    const schema = shardSchema(shardIndex);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ outbox_id: string; payload: FileChangedEvent; created_at: Date }>(
        `SELECT outbox_id, payload, created_at FROM ${schema}.outbox WHERE sent_at IS NULL
         ORDER BY outbox_id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
      const claimed = rows.map((r) => ({ outboxId: Number(r.outbox_id), shardIndex, event: r.payload,
        createdAtMs: r.created_at.getTime() }));
      if (claimed.length > 0) {
        await publish(claimed);
        await client.query(`UPDATE ${schema}.outbox SET sent_at = $2 WHERE outbox_id = ANY($1::bigint[])`,
          [claimed.map((r) => r.outboxId), msToDate(nowMs)]);
      }
      await client.query("COMMIT");
      return claimed.length;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined); // the connection may be gone; report the cause
      throw error;
    } finally {
      client.release();
    }
  }

  async refCountMismatches(limit: number): Promise<{ blocksChecked: number; mismatches: RefCountMismatch[] }> {
    const perShard = Array.from({ length: shardCount }, (_, i) =>
      `SELECT h FROM (SELECT DISTINCT v.version_id, h FROM ${shardSchema(i)}.file_versions v, unnest(v.block_hashes) h) s${i}`);
    const { rows } = await this.pool.query<{ hash: Buffer; ref_count: string | null; n: string }>(
      `WITH refs AS (SELECT h, count(*) AS n FROM (${perShard.join(" UNION ALL ")}) x GROUP BY h)
       SELECT coalesce(b.block_hash, r.h) AS hash, b.ref_count, coalesce(r.n, 0) AS n
       FROM public.blocks b FULL OUTER JOIN refs r ON r.h = b.block_hash
       WHERE b.block_hash IS NULL OR b.ref_count <> coalesce(r.n, 0) ORDER BY 1 LIMIT $1`, [limit]);
    const count = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM public.blocks");
    return { blocksChecked: Number(count.rows[0]?.n ?? 0), mismatches: rows.map((r) => ({ hash: toHex(r.hash),
      refCount: r.ref_count === null ? undefined : Number(r.ref_count), referencingVersions: Number(r.n) })) };
  }

  async referencedBlocks(afterHash: string, limit: number): Promise<string[]> {
    const perShard = Array.from({ length: shardCount }, (_, i) =>
      `SELECT unnest(block_hashes) AS h FROM ${shardSchema(i)}.file_versions`);
    const { rows } = await this.pool.query<{ h: Buffer }>(
      `SELECT DISTINCT h FROM (${perShard.join(" UNION ALL ")}) x WHERE h > $1 ORDER BY h LIMIT $2`,
      [Buffer.from(afterHash, "hex"), limit]);
    return rows.map((r) => toHex(r.h));
  }

  async staleOutbox(shardIndex: number, createdBeforeMs: number, limit: number): Promise<OutboxRow[]> {
    const { rows } = await this.pool.query<{ outbox_id: string; payload: FileChangedEvent; created_at: Date }>(
      `SELECT outbox_id, payload, created_at FROM ${shardSchema(shardIndex)}.outbox
       WHERE sent_at IS NULL AND created_at < $1 ORDER BY outbox_id LIMIT $2`, [msToDate(createdBeforeMs), limit]);
    return rows.map((r) => ({ outboxId: Number(r.outbox_id), shardIndex, event: r.payload, createdAtMs: r.created_at.getTime() }));
  }

  async shardsWithUnsentEvents(): Promise<number[]> {
    const probes = Array.from({ length: shardCount }, (_, i) =>
      `SELECT ${i} AS shard WHERE EXISTS (SELECT 1 FROM ${shardSchema(i)}.outbox WHERE sent_at IS NULL)`);
    const { rows } = await this.pool.query<{ shard: number }>(probes.join(" UNION ALL "));
    return rows.map((r) => r.shard);
  }

  async readOutbox(shardIndex: number, limit: number): Promise<OutboxRow[]> {
    const { rows } = await this.pool.query<{ outbox_id: string; payload: FileChangedEvent; created_at: Date }>(
      `SELECT outbox_id, payload, created_at FROM ${shardSchema(shardIndex)}.outbox
       WHERE sent_at IS NULL ORDER BY outbox_id LIMIT $1`, [limit]);
    return rows.map((r) => ({ outboxId: Number(r.outbox_id), shardIndex, event: r.payload,
      createdAtMs: r.created_at.getTime() }));
  }

  async markOutboxSent(shardIndex: number, outboxIds: readonly number[], nowMs: number): Promise<void> {
    await this.pool.query(`UPDATE ${shardSchema(shardIndex)}.outbox SET sent_at = $2
      WHERE outbox_id = ANY($1::bigint[]) AND sent_at IS NULL`, [outboxIds, msToDate(nowMs)]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const grantSql = (schema: string) => `INSERT INTO ${schema}.user_blocks (user_id, block_hash)
  SELECT $1, unnest($2::bytea[]) ON CONFLICT DO NOTHING`;

interface FileRow {
  user_id: string;
  path: string;
  latest_version: string;
  size_bytes: string;
  block_hashes: Buffer[];
  deleted: boolean;
  updated_at: Date;
}

const fileColumns = "user_id, path, latest_version, size_bytes, block_hashes, deleted, updated_at";

function toFileRecord(row: FileRow): FileRecord {
  return { userId: row.user_id, path: row.path, version: Number(row.latest_version),
    sizeBytes: Number(row.size_bytes), blockHashes: row.block_hashes.map(toHex), deleted: row.deleted,
    updatedAtMs: row.updated_at.getTime() };
}

async function commitInTransaction(client: pg.PoolClient, schema: string, shardIndex: number,
  input: CommitInput): Promise<CommitResult> {
  const version = input.baseVersion + 1;
  const hashes = input.blockHashes.map(toBytes);
  const now = msToDate(input.nowMs);
  const deleted = input.changeType === "delete";
  const fileRow = input.baseVersion === 0
    ? await client.query<{ file_id: string }>(
      `INSERT INTO ${schema}.files (user_id, path, latest_version, size_bytes, block_hashes, deleted, updated_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (user_id, path) DO NOTHING RETURNING file_id`,
      [input.userId, input.path, input.sizeBytes, hashes, deleted, now])
    : await client.query<{ file_id: string }>(
      `UPDATE ${schema}.files SET latest_version = $3, size_bytes = $4, block_hashes = $5, deleted = $6,
       updated_at = $7 WHERE user_id = $1 AND path = $2 AND latest_version = $8 RETURNING file_id`,
      [input.userId, input.path, version, input.sizeBytes, hashes, deleted, now, input.baseVersion]);
  const fileId = fileRow.rows[0]?.file_id;
  if (fileId === undefined) {
    const current = await client.query<{ latest_version: string }>(
      `SELECT latest_version FROM ${schema}.files WHERE user_id = $1 AND path = $2`, [input.userId, input.path]);
    return { ok: false, reason: "conflict", currentVersion: Number(current.rows[0]?.latest_version ?? 0) };
  }
  const distinct = [...new Set(input.blockHashes)];
  const updated = await client.query<{ block_hash: Buffer }>(
    `UPDATE public.blocks SET ref_count = ref_count + 1, delete_after = NULL
     WHERE block_hash = ANY($1::bytea[]) RETURNING block_hash`, [distinct.map(toBytes)]);
  if (updated.rowCount !== distinct.length) {
    const present = new Set(updated.rows.map((r) => toHex(r.block_hash)));
    return { ok: false, reason: "missing-blocks", missing: distinct.filter((h) => !present.has(h)) };
  }
  await client.query(
    `INSERT INTO ${schema}.file_versions (file_id, version, size_bytes, block_hashes, change_type, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`, [fileId, version, input.sizeBytes, hashes, input.changeType, now]);
  const event: FileChangedEvent = { eventId: input.eventId, userId: input.userId, filePath: input.path,
    version, changeType: input.changeType, blockHashes: input.blockHashes, timestampMs: input.nowMs };
  await client.query(`INSERT INTO ${schema}.outbox (event_id, user_id, payload, created_at) VALUES ($1, $2, $3, $4)`,
    [input.eventId, input.userId, JSON.stringify(event), now]);
  await client.query(grantSql(schema), [input.userId, distinct.map(toBytes)]);
  await client.query(`SELECT pg_notify('outbox', $1)`, [String(shardIndex)]); // wakes the relays at commit
  return { ok: true, version, shardIndex };
}
