// SQL pieces of the Postgres MetadataDb shared by its single-cluster and cross-cluster commits:
// the shard-side step of a commit (file row, version row, outbox row, ownership) and the ref-count
// updates on the global blocks table.
import type pg from "pg";
import { SyncbenchError } from "../../core/errors.ts";
import type {
  CommitInput,
  CommitResult,
  FileChangedEvent,
  FileRecord,
} from "./metadata-db.port.ts";

export const toBytes = (hex: string) => Buffer.from(hex, "hex");
export const toHex = (bytes: Buffer) => bytes.toString("hex");
export const msToDate = (ms: number) => new Date(ms);

export const grantSql = (schema: string) => `INSERT INTO ${schema}.user_blocks (user_id, block_hash)
  SELECT $1, unnest($2::bytea[]) ON CONFLICT DO NOTHING`;

export interface FileRow {
  user_id: string;
  path: string;
  latest_version: string;
  size_bytes: string;
  block_hashes: Buffer[];
  deleted: boolean;
  updated_at: Date;
}

export const fileColumns =
  "user_id, path, latest_version, size_bytes, block_hashes, deleted, updated_at";

export function toFileRecord(row: FileRow): FileRecord {
  return {
    userId: row.user_id,
    path: row.path,
    version: Number(row.latest_version),
    sizeBytes: Number(row.size_bytes),
    blockHashes: row.block_hashes.map(toHex),
    deleted: row.deleted,
    updatedAtMs: row.updated_at.getTime(),
  };
}

/**
 * Adds one reference per distinct block; returns the hashes the blocks table lacks or GC has begun
 * to delete (the caller then rolls back). The UPDATE waits for a sweep holding the row's lock and
 * re-reads it, so a commit never references a block whose deletion began.
 */
export async function incrementRefs(
  client: pg.ClientBase,
  distinct: readonly string[],
): Promise<string[]> {
  const updated = await client.query<{ block_hash: Buffer }>(
    `UPDATE public.blocks SET ref_count = ref_count + 1, delete_after = NULL
     WHERE block_hash = ANY($1::bytea[]) AND deleting_since IS NULL RETURNING block_hash`,
    [distinct.map(toBytes)],
  );
  const present = new Set(updated.rows.map((r) => toHex(r.block_hash)));
  return distinct.filter((h) => !present.has(h));
}

/** Takes back references added by incrementRefs; an unreferenced block becomes due for GC after graceMs. */
export async function decrementRefs(
  client: pg.ClientBase,
  distinct: readonly string[],
  nowMs: number,
  graceMs: number,
) {
  await client.query(
    `UPDATE public.blocks SET ref_count = ref_count - 1,
     delete_after = CASE WHEN ref_count - 1 = 0 THEN $2::timestamptz ELSE delete_after END
     WHERE block_hash = ANY($1::bytea[]) AND ref_count > 0`,
    [distinct.map(toBytes), msToDate(nowMs + graceMs)],
  );
}

/**
 * A commit id (uploadId) names one commit: a retry must repeat it, not commit something else. The
 * message names the earlier commit's path and version only to the user who made it.
 */
export function checkSameCommit(userId: string, first: FileChangedEvent, input: CommitInput): void {
  if (userId !== input.userId) {
    throw new SyncbenchError(
      "COMMIT_ID_REUSED",
      `uploadId ${input.eventId} names another commit; nothing was committed`,
      { hint: "commit with the uploadId that upload-init issued for this file" },
    );
  }
  const same =
    first.filePath === input.path &&
    JSON.stringify(first.blockHashes ?? []) === JSON.stringify(input.blockHashes);
  if (!same) {
    throw new SyncbenchError(
      "COMMIT_ID_REUSED",
      `uploadId ${input.eventId} already committed ${first.filePath} ` +
        `version ${first.version} with other content; nothing was committed`,
      { hint: "use a fresh uploadId for each commit" },
    );
  }
}

/** The earlier result of this commit id on the shard, if it was committed before. */
async function replayOf(
  client: pg.ClientBase,
  schema: string,
  shardIndex: number,
  input: CommitInput,
): Promise<CommitResult | undefined> {
  const earlier = await client.query<{ payload: FileChangedEvent; user_id: string }>(
    `SELECT payload, user_id FROM ${schema}.outbox WHERE event_id = $1`,
    [input.eventId],
  );
  const first = earlier.rows[0];
  if (!first) return undefined;
  checkSameCommit(first.user_id, first.payload, input);
  return { ok: true, version: first.payload.version, shardIndex, replayed: true };
}

/**
 * The shard's part of a commit: optimistic file row update (a stale base is a conflict), the
 * version row, the file_changed outbox row, the user's ownership of the blocks, and a NOTIFY
 * that wakes the outbox relays when the transaction commits.
 */
export async function commitOnShard(
  client: pg.ClientBase,
  schema: string,
  shardIndex: number,
  input: CommitInput,
): Promise<CommitResult> {
  const replay = await replayOf(client, schema, shardIndex, input);
  if (replay) return replay;
  const version = input.baseVersion + 1;
  const hashes = input.blockHashes.map(toBytes);
  const now = msToDate(input.nowMs);
  const deleted = input.changeType === "delete";
  const fileRow =
    input.baseVersion === 0
      ? await client.query<{ file_id: string }>(
          `INSERT INTO ${schema}.files (user_id, path, latest_version, size_bytes, block_hashes, deleted, updated_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (user_id, path) DO NOTHING RETURNING file_id`,
          [input.userId, input.path, input.sizeBytes, hashes, deleted, now],
        )
      : await client.query<{ file_id: string }>(
          `UPDATE ${schema}.files SET latest_version = $3, size_bytes = $4, block_hashes = $5, deleted = $6,
       updated_at = $7 WHERE user_id = $1 AND path = $2 AND latest_version = $8 RETURNING file_id`,
          [
            input.userId,
            input.path,
            version,
            input.sizeBytes,
            hashes,
            deleted,
            now,
            input.baseVersion,
          ],
        );
  const fileId = fileRow.rows[0]?.file_id;
  if (fileId === undefined) {
    // A concurrent retry of this very commit may have held the row and committed first: this
    // statement waited for it, and a fresh read now sees its outbox row.
    const concurrent = await replayOf(client, schema, shardIndex, input);
    if (concurrent) return concurrent;
    const current = await client.query<{ latest_version: string }>(
      `SELECT latest_version FROM ${schema}.files WHERE user_id = $1 AND path = $2`,
      [input.userId, input.path],
    );
    return {
      ok: false,
      reason: "conflict",
      currentVersion: Number(current.rows[0]?.latest_version ?? 0),
    };
  }
  await client.query(
    `INSERT INTO ${schema}.file_versions (file_id, version, size_bytes, block_hashes, change_type, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [fileId, version, input.sizeBytes, hashes, input.changeType, now],
  );
  const event: FileChangedEvent = {
    eventId: input.eventId,
    userId: input.userId,
    filePath: input.path,
    version,
    changeType: input.changeType,
    blockHashes: input.blockHashes,
    timestampMs: input.nowMs,
  };
  await client.query(
    `INSERT INTO ${schema}.outbox (event_id, user_id, payload, created_at) VALUES ($1, $2, $3, $4)`,
    [input.eventId, input.userId, JSON.stringify(event), now],
  );
  await client.query(grantSql(schema), [
    input.userId,
    [...new Set(input.blockHashes)].map(toBytes),
  ]);
  await client.query(`SELECT pg_notify('outbox', $1)`, [String(shardIndex)]);
  return { ok: true, version, shardIndex };
}
