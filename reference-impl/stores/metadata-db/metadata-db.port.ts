// MetadataDb: file metadata on 64 user shards plus the global `blocks` table (design section
// "MetadataDB"). Expected outcomes are values (a version conflict, missing blocks), not exceptions.
// Block hashes cross this port as lowercase hex SHA-256 strings.
import { shardCount } from "../../core/design-figures.ts";

export type ChangeType = "create" | "update" | "delete";

export interface FileRecord {
  readonly userId: string;
  readonly path: string;
  readonly version: number;
  readonly sizeBytes: number;
  readonly blockHashes: readonly string[];
  readonly deleted: boolean;
  readonly updatedAtMs: number;
}

export interface BlockRecord {
  readonly hash: string;
  readonly sizeBytes: number;
  /** Number of committed file versions that reference the block. */
  readonly refCount: number;
  /** When GC may delete it (ref_count 0 since then + grace); undefined while referenced. */
  readonly deleteAfterMs: number | undefined;
  /** When GC began deleting it: no commit may reference it since. Undefined otherwise. */
  readonly deletingSinceMs?: number | undefined;
}

/**
 * A dedup hit's lease (design/decisions "GC and dedup"): upload-init pushes the delete_after of
 * every present block at ref_count 0 to at least nowMs + graceMs, under the row lock, so that the
 * upload that was told "present" has the full grace to commit.
 */
export interface BlockLease {
  readonly nowMs: number;
  readonly graceMs: number;
}

/** A file version that a later commit replaced; it expires retention after supersededAtMs. */
export interface SupersededVersion {
  readonly userId: string;
  readonly path: string;
  readonly version: number;
  readonly supersededAtMs: number;
}

export interface ExpireVersionsInput {
  /** Versions superseded before this instant expire (now - retention). */
  readonly supersededBeforeMs: number;
  readonly nowMs: number;
  /** A block whose ref_count reaches 0 gets delete_after = nowMs + graceMs. */
  readonly graceMs: number;
  readonly limit: number;
}

export interface ExpireVersionsResult {
  readonly versionsExpired: number;
  /** Block references taken back (one per distinct block of each expired version). */
  readonly refsReleased: number;
  /** Of those blocks, how many reached ref_count 0. */
  readonly blocksOrphaned: number;
}

export interface CommitInput {
  readonly userId: string;
  readonly path: string;
  readonly blockHashes: readonly string[];
  readonly sizeBytes: number;
  /** The version the client edited; 0 for a new file. The commit fails unless it is still current. */
  readonly baseVersion: number;
  readonly changeType: ChangeType;
  /**
   * Identity of the commit and of its file_changed event (the client's uploadId): a retry after a
   * lost reply finds the earlier commit and gets its result, and a redelivery carries the same id.
   */
  readonly eventId: string;
  readonly nowMs: number;
}

export type CommitResult =
  | {
      readonly ok: true;
      readonly version: number;
      readonly shardIndex: number;
      /** True when this eventId was committed before: the earlier result, nothing written again. */
      readonly replayed?: boolean;
    }
  | { readonly ok: false; readonly reason: "conflict"; readonly currentVersion: number }
  | { readonly ok: false; readonly reason: "missing-blocks"; readonly missing: readonly string[] };

/** The file_changed event as stored in the outbox and published to SyncStream. */
export interface FileChangedEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly filePath: string;
  readonly version: number;
  readonly changeType: ChangeType;
  readonly blockHashes?: readonly string[];
  readonly timestampMs: number;
}

export interface OutboxRow {
  readonly outboxId: number;
  readonly shardIndex: number;
  readonly event: FileChangedEvent;
  readonly createdAtMs: number;
}

export interface RefCountMismatch {
  readonly hash: string;
  /** undefined: a committed version names a block the blocks table does not hold. */
  readonly refCount: number | undefined;
  readonly referencingVersions: number;
}

/** One committed version of a file (the file_versions table). */
export interface VersionRecord {
  readonly version: number;
  readonly sizeBytes: number;
  readonly blockHashes: readonly string[];
  readonly changeType: ChangeType;
  readonly createdAtMs: number;
}

export interface ListPage {
  readonly files: readonly FileRecord[];
  /** Pass as afterPath for the next page; undefined on the last page. */
  readonly nextAfterPath: string | undefined;
}

export interface MetadataDb {
  /** Applies pending migrations; idempotent. Returns the versions it applied now. */
  migrate(): Promise<{ applied: number[] }>;
  /**
   * The dedup check: which of these hashes the global blocks table does not hold; a block GC has
   * begun to delete counts as missing. With a lease, present unreferenced blocks get a fresh grace
   * under their row lock (upload-init; the check without one is a plain read).
   */
  findMissingBlocks(hashes: readonly string[], lease?: BlockLease): Promise<string[]>;
  /**
   * Records a stored block; unreferenced until a commit, so GC may take it after graceMs. Recording
   * an unreferenced block again (a re-upload) extends its grace; a referenced block is unchanged.
   * A block GC has begun to delete is refused (GC_BLOCK_BEING_DELETED, retry once it is gone).
   */
  recordBlock(input: {
    hash: string;
    sizeBytes: number;
    nowMs: number;
    graceMs: number;
  }): Promise<void>;
  getBlock(hash: string): Promise<BlockRecord | undefined>;
  /** Stored sizes of these blocks, by hash, in one query; hashes the table lacks are left out. */
  blockSizes(hashes: readonly string[]): Promise<Map<string, number>>;
  /** Commits a version, increments ref counts and writes the outbox row, in one transaction. */
  commitVersion(input: CommitInput): Promise<CommitResult>;
  getFile(userId: string, path: string): Promise<FileRecord | undefined>;
  /**
   * The user's files in path byte order after `afterPath` (a keyset: a row committed or changed
   * between two pages never shifts the next page), only paths starting with `prefix` when given.
   */
  listFiles(
    userId: string,
    options: { afterPath?: string; prefix?: string; limit: number },
  ): Promise<ListPage>;
  /** One committed version of the user's file, or undefined (no such file or version). */
  getVersion(userId: string, path: string, version: number): Promise<VersionRecord | undefined>;
  /** The user's versions of a file, newest first, at most `limit`; [] when the file is not theirs. */
  listVersions(userId: string, path: string, limit: number): Promise<VersionRecord[]>;
  /** Of these hashes, the ones the user may reference (uploaded, proved or committed by them). */
  ownedBlocks(userId: string, hashes: readonly string[]): Promise<string[]>;
  /** Records that the user may reference these blocks (after an upload or a possession proof). */
  grantBlocks(userId: string, hashes: readonly string[]): Promise<void>;
  /**
   * Claims the oldest `limit` unsent outbox rows of one shard for a lease (in a short transaction),
   * hands them to `publish` with no transaction open, and marks them sent only when publish
   * resolves. While an earlier row is under another relay's live lease it claims nothing (that
   * relay keeps the shard's order). If publish throws, the claim is given back and the rows stay
   * unsent; a relay that dies mid-publish leaves a lease that runs out. Delivery is at least once,
   * and a duplicate carries the same event id.
   */
  drainOutbox(
    shardIndex: number,
    limit: number,
    publish: (rows: readonly OutboxRow[]) => Promise<void>,
    nowMs: number,
  ): Promise<number>;
  /** GcWorker's consumer: queues superseded versions for expiry; a repeat is a no-op. */
  queueVersionExpiry(versions: readonly SupersededVersion[]): Promise<void>;
  /**
   * GcWorker: expires at most `limit` queued versions of one shard superseded before the cutoff
   * (never a file's current version), deletes their rows and takes back their block references,
   * once each even when a worker dies half-way.
   */
  expireVersions(shardIndex: number, input: ExpireVersionsInput): Promise<ExpireVersionsResult>;
  /**
   * GcWorker's sweep input: at most `limit` blocks at ref_count 0 whose delete_after has passed,
   * and blocks whose deletion began and did not finish (a worker died), oldest first.
   */
  gcCandidates(nowMs: number, limit: number): Promise<BlockRecord[]>;
  /**
   * Under each row's lock, re-checks ref_count 0 and delete_after <= nowMs (or a deletion already
   * begun) and marks the block deleting; returns the hashes marked. From here on a commit naming
   * one fails as missing-blocks and upload-init reports it missing.
   */
  beginBlockDeletion(hashes: readonly string[], nowMs: number): Promise<string[]>;
  /** Deletes the rows of blocks marked deleting (after their objects left the BlockStore). */
  finishBlockDeletion(hashes: readonly string[]): Promise<number>;
  /** fsck: blocks at ref_count 0 whose delete_after is before `deleteAfterBeforeMs`. */
  overdueBlocks(deleteAfterBeforeMs: number, limit: number): Promise<BlockRecord[]>;
  /**
   * fsck: the migration versions applied on every cluster, ascending; [] before the first
   * migrate. Reads only (fsck never migrates).
   */
  appliedMigrations(): Promise<number[]>;
  /** fsck: blocks whose ref_count differs from the number of committed versions naming them. */
  refCountMismatches(
    limit: number,
  ): Promise<{ blocksChecked: number; mismatches: RefCountMismatch[] }>;
  /** fsck: distinct block hashes named by committed versions, in hash order, after `afterHash`. */
  referencedBlocks(afterHash: string, limit: number): Promise<string[]>;
  /** fsck: unsent outbox rows of one shard created before `createdBeforeMs`. */
  staleOutbox(shardIndex: number, createdBeforeMs: number, limit: number): Promise<OutboxRow[]>;
  /** The shards whose outbox holds unsent rows (one round trip over all 64). */
  shardsWithUnsentEvents(): Promise<number[]>;
  /** Unsent outbox rows of one shard, oldest first. */
  readOutbox(shardIndex: number, limit: number): Promise<OutboxRow[]>;
  markOutboxSent(shardIndex: number, outboxIds: readonly number[], nowMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Logical shards (schemas shard_00..shard_63): the design's 64 (C24). */
export { shardCount };
export const listPageRowsMax = 1000;
export const versionListRowsMax = 1000;
export const findMissingHashesMax = 10_000;
/** Most rows one GC call (expiry, candidates, deletion) handles: a bounded batch. */
export const gcBatchRowsMax = 10_000;
