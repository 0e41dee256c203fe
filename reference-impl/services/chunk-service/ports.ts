// What the ChunkService needs from the outside, as ports: main.ts passes the Postgres, S3 and
// Kafka adapters; tests pass the memory adapters and a ManualClock.
import type { Clock } from "../../runtime/clock.ts";
import type { PartTimings } from "../../runtime/part-timings.ts";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import type { MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";

export interface ChunkServicePorts {
  readonly metadataDb: MetadataDb;
  readonly blockStore: BlockStore;
  readonly syncStream: SyncStream;
  readonly clock: Clock;
  /** Server-side timings per part (main.ts passes them; GET /internal/timings serves them). */
  readonly timings?: PartTimings;
}

export interface ChunkServiceSettings {
  /** HMAC key of the possession challenges (shared by every ChunkService process). */
  readonly possessionKey: string;
  /** How long an uploaded but uncommitted block is kept before GC may take it (design: 72 h). */
  readonly graceMs: number;
}

export const chunkLimits = {
  /** Hashes in one upload-init or commit: 10,000 x 4 MiB = 40 GiB per file. */
  uploadInitHashesMax: 10_000,
  /** A delta may name the old blocks i-1, i and i+1 as its source. */
  deltaBasesMax: 3,
  /** JSON bodies: 10,000 hashes of 66 characters plus proofs fit well within. */
  jsonBodyBytesMax: 2 * 1024 * 1024,
  /** Possession proofs in one commit: each costs the server a 4 MiB read from the BlockStore. */
  proofsMax: 64,
} as const;
