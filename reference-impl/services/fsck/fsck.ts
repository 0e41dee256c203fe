// fsck: the invariants that hold the upload path together, checked across the stores.
// - every block named by a committed version is in the BlockStore, and its content hashes to its key;
// - each block's ref_count equals the number of committed versions that name it;
// - no outbox row stays unsent longer than outboxStaleMs (the relay is alive, the broker answers);
// - the SyncStream's topic has its partitions.
// It reads only, through the stores' ports (main.ts picks the real adapters); each violation names
// the ids to look at.
import { createHash } from "node:crypto";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import { shardCount, type MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";

export type ViolationKind =
  "block-missing" | "block-corrupt" | "ref-count-mismatch" | "outbox-stale" | "stream";

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
}

const pageSize = 500;
/** Stale outbox rows listed per shard; more is reported as truncated. */
const staleRowsPerShardMax = 100;

const nothingChecked = { blocks: 0, referencedBlocks: 0, shards: 0, outboxRowsStale: 0 };

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
  return {
    violations,
    truncated: referenced.truncated || outboxTruncated || mismatches.length >= options.blocksMax,
    checked: {
      blocks: blocksChecked,
      referencedBlocks: referenced.count,
      shards: shardCount,
      outboxRowsStale: stale,
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

async function checkStream(stream: SyncStream, partitionCount: number): Promise<Violation[]> {
  const { topic, partitions } = await stream.describe();
  if (partitions.length === partitionCount) return [];
  const detail =
    partitions.length === 0
      ? `topic is absent, expected ${partitionCount} partitions`
      : `topic has ${partitions.length} partitions, expected ${partitionCount}`;
  return [{ kind: "stream", id: topic, detail }];
}
