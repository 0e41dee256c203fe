// What the GcWorker needs from the outside, as ports: main.ts passes the Postgres, S3 and Kafka
// adapters and the system clock; tests pass the memory adapters and a ManualClock, which moves
// the 72 h grace and the 30-day retention in milliseconds.
import type { Clock } from "../../runtime/clock.ts";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import type { MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";

export interface GcWorkerPorts {
  readonly metadataDb: MetadataDb;
  readonly blockStore: BlockStore;
  readonly clock: Clock;
}

export interface GcSettings {
  /** A version superseded longer ago than this expires (design: 30 days). */
  readonly retentionMs: number;
  /** A block at ref_count 0 is kept this long (design: 72 h). */
  readonly graceMs: number;
  /** Time between two runs (expiry, then sweep) (design: hourly). */
  readonly sweepIntervalMs: number;
  /** Most blocks deleted between two row-lock checks (one batch). */
  readonly batchBlocksMax: number;
  /** Most blocks one sweep deletes; the rest waits for the next sweep. */
  readonly sweepBlocksMax: number;
  /** Most versions one expiry call handles on a shard. */
  readonly expiryBatchMax: number;
  /** BlockStore delete requests (of up to 1,000 keys each) in flight at once. */
  readonly deleteConcurrency: number;
}

/** Points where a test may hold the sweep (or throw, as a worker that dies there). */
export type SweepPausePoint = "planned" | "marked" | "objects-deleted" | "rows-deleted";

export interface GcHooks {
  readonly pause?: (point: SweepPausePoint, hashes: readonly string[]) => Promise<void>;
}

export const hourMs = 3_600_000;
export const dayMs = 24 * hourMs;

export const defaultGcSettings: GcSettings = {
  retentionMs: 30 * dayMs,
  graceMs: 72 * hourMs,
  sweepIntervalMs: hourMs,
  batchBlocksMax: 500,
  sweepBlocksMax: 1_000_000,
  expiryBatchMax: 1000,
  deleteConcurrency: 16,
};
