// What the ChunkService needs from the outside, as ports: main.ts passes the Postgres, S3 and
// Kafka adapters; tests pass the memory adapters and a ManualClock.
import type { Clock } from "../../runtime/clock.ts";
import type { PartTimings } from "../../runtime/part-timings.ts";
import type { BlockBuffers } from "./block-buffers.ts";
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
  /** Reused block buffers for the delta path (main.ts passes them; absent: fresh buffers). */
  readonly blockBuffers?: BlockBuffers;
}

export interface ChunkServiceSettings {
  /** HMAC key of the possession challenges and the upload ids (shared by every ChunkService process). */
  readonly possessionKey: string;
  /** How long an uploaded but uncommitted block is kept before GC may take it (design: 72 h). */
  readonly graceMs: number;
}
