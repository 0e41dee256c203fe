// fsck: the invariants that hold the upload path together, checked across the stores.
// - every block named by a committed version is in the BlockStore, and its content hashes to its key;
// - each block's ref_count equals the number of committed versions that name it;
// - no outbox row stays unsent longer than outboxStaleMs (the relay is alive, the broker answers);
// - the SyncStream's topic has its partitions;
// - GC (design section "MetadataDB", claims C27/C28): no block at ref_count 0 is kept past its
//   grace plus one sweep period, and no object sits in the BlockStore without a blocks row for
//   longer than the grace (an orphan no sweep will ever find).
// It reads only, through the stores' ports (main.ts picks the real adapters); each violation names
// the ids to look at.
import { createHash } from "node:crypto";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import { shardCount, type MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";

export type ViolationKind =
  | "block-missing"
  | "block-corrupt"
  | "ref-count-mismatch"
  | "outbox-stale"
  | "stream"
  | "gc-overdue"
  | "block-orphaned";

export interface Violation {
  readonly kind: ViolationKind;
  readonly id: string;
  readonly detail: string;
}

export interface FsckReport {
  readonly violations: readonly Violation[];
  readonly checked: {
    blocks: number;
    referencedBlocks: number;
    shards: number;
    outboxRowsStale: number;
    /** Objects listed from the BlockStore for the orphan check. */
    storedObjects: number;
  };
  /** True when a bound cut a check short: say so rather than report clean. */
  readonly truncated: boolean;
  /** Why nothing was checked, when nothing was (a database no ChunkService has migrated yet). */
  readonly note?: string;
}

export interface FsckPorts {
  readonly metadataDb: MetadataDb;
  readonly blockStore: BlockStore;
  readonly syncStream: SyncStream;
}

export interface FsckOptions {
  readonly nowMs: number;
  readonly outboxStaleMs: number;
  readonly blocksMax: number;
  /** Partitions the SyncStream's topic must have (the design's 64). */
  readonly partitionCount: number;
  /** GC's grace (default the design's 72 h) and sweep period (hourly): the GC checks' bounds. */
  readonly gcGraceMs?: number;
  readonly gcSweepIntervalMs?: number;
}

const pageSize = 500;
/** Stale outbox rows listed per shard; more is reported as truncated. */
const staleRowsPerShardMax = 100;

const nothingChecked = {
  blocks: 0,
  referencedBlocks: 0,
  shards: 0,
  outboxRowsStale: 0,
  storedObjects: 0,
};

export async function fsck(ports: FsckPorts, options: FsckOptions): Promise<FsckReport> {
  const { metadataDb: db, blockStore: blocks } = ports;
  if ((await db.appliedMigrations()).length === 0) {
    return {
      violations: [],
      checked: nothingChecked,
      truncated: false,
      note: "the metadata database has no schema yet (no ChunkService has run): nothing to check",
    };
  }
  const violations: Violation[] = [];
  const { blocksChecked, mismatches } = await db.refCountMismatches(options.blocksMax);
  for (const m of mismatches) {
    violations.push({
      kind: "ref-count-mismatch",
      id: m.hash,
      detail:
        m.refCount === undefined
          ? `named by ${m.referencingVersions} committed version(s) but absent from the blocks table`
          : `ref_count ${m.refCount}, but ${m.referencingVersions} committed version(s) name it`,
    });
  }
  const referenced = await checkBlockContents(db, blocks, options.blocksMax, violations);
  let stale = 0;
  let outboxTruncated = false;
  for (let shard = 0; shard < shardCount; shard++) {
    const rows = await db.staleOutbox(
      shard,
      options.nowMs - options.outboxStaleMs,
      staleRowsPerShardMax,
    );
    outboxTruncated ||= rows.length === staleRowsPerShardMax;
    for (const row of rows) {
      stale++;
      violations.push({
        kind: "outbox-stale",
        id: `shard ${shard} outbox ${row.outboxId}`,
        detail:
          `event ${row.event.eventId} ` +
          `(${row.event.userId} ${row.event.filePath} v${row.event.version}) unsent for ${options.nowMs - row.createdAtMs} ms`,
      });
    }
  }
  violations.push(...(await checkStream(ports.syncStream, options.partitionCount)));
  const gc = await checkGc(db, blocks, options, violations);
  return {
    violations,
    truncated:
      referenced.truncated ||
      outboxTruncated ||
      gc.truncated ||
      mismatches.length >= options.blocksMax,
    checked: {
      blocks: blocksChecked,
      referencedBlocks: referenced.count,
      shards: shardCount,
      outboxRowsStale: stale,
      storedObjects: gc.storedObjects,
    },
  };
}

async function checkBlockContents(
  db: MetadataDb,
  store: BlockStore,
  blocksMax: number,
  violations: Violation[],
): Promise<{ count: number; truncated: boolean }> {
  let after = "";
  let count = 0;
  for (;;) {
    const page = await db.referencedBlocks(after, Math.min(pageSize, blocksMax - count));
    for (const hash of page) {
      const bytes = await store.get(hash);
      if (!bytes)
        violations.push({
          kind: "block-missing",
          id: hash,
          detail: "named by a committed version, absent from the BlockStore",
        });
      else {
        const actual = createHash("sha256").update(bytes).digest("hex");
        if (actual !== hash)
          violations.push({
            kind: "block-corrupt",
            id: hash,
            detail: `content hashes to ${actual}`,
          });
      }
    }
    count += page.length;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) return { count, truncated: false };
    if (count >= blocksMax) return { count, truncated: true };
    after = last;
  }
}

const hourMs = 3_600_000;
/** Rows of overdue blocks listed; more is reported as truncated. */
const overdueRowsMax = 1000;

async function checkGc(
  db: MetadataDb,
  store: BlockStore,
  options: FsckOptions,
  violations: Violation[],
): Promise<{ storedObjects: number; truncated: boolean }> {
  const sweepMs = options.gcSweepIntervalMs ?? hourMs;
  const overdueBeforeMs = options.nowMs - sweepMs;
  const overdue = await db.overdueBlocks(overdueBeforeMs, overdueRowsMax);
  for (const b of overdue) {
    violations.push({
      kind: "gc-overdue",
      id: b.hash,
      detail:
        `ref_count 0, due since ${new Date(b.deleteAfterMs ?? 0).toISOString()}: past its grace ` +
        `and one sweep period (${sweepMs / 1000} s)` +
        (b.deletingSinceMs === undefined ? "" : ", its deletion began and did not finish"),
    });
  }
  const orphans = await listOrphans(db, store, options);
  violations.push(...orphans.violations);
  return {
    storedObjects: orphans.listed,
    truncated: orphans.truncated || overdue.length >= overdueRowsMax,
  };
}

/** Objects older than the grace whose hash the blocks table does not hold. */
async function listOrphans(
  db: MetadataDb,
  store: BlockStore,
  options: FsckOptions,
): Promise<{ listed: number; truncated: boolean; violations: Violation[] }> {
  const violations: Violation[] = [];
  const storedBeforeMs = options.nowMs - (options.gcGraceMs ?? 72 * hourMs);
  let listed = 0;
  for (let after = ""; ;) {
    const page = await store.list(after, Math.min(pageSize, options.blocksMax - listed));
    const old = page.filter((o) => o.lastModifiedMs < storedBeforeMs);
    const rows = old.length > 0 ? await db.blockSizes(old.map((o) => o.hash)) : new Map();
    for (const o of old.filter((x) => !rows.has(x.hash))) {
      violations.push({
        kind: "block-orphaned",
        id: o.hash,
        detail: `in the BlockStore since ${new Date(o.lastModifiedMs).toISOString()} with no blocks row`,
      });
    }
    listed += page.length;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize)
      return { listed, truncated: false, violations };
    if (listed >= options.blocksMax) return { listed, truncated: true, violations };
    after = last.hash;
  }
}

async function checkStream(stream: SyncStream, partitionCount: number): Promise<Violation[]> {
  const { topic, partitions } = await stream.describe();
  if (partitions.length === partitionCount) return [];
  const detail =
    partitions.length === 0
      ? `topic is absent, expected ${partitionCount} partitions`
      : `topic has ${partitions.length} partitions, expected ${partitionCount}`;
  return [{ kind: "stream", id: topic, detail }];
}
