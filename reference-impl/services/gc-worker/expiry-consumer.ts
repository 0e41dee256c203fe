// The GcWorker's consumer (group `gc` on file-events, lag up to an hour is fine: C30): each event of
// version v >= 2 (an update or a delete) says version v-1 of that file stopped being current at the
// event's time, so it is queued to expire one retention later. Delivery is at least once; queueing
// a version twice changes nothing.
import type {
  FileChangedEvent,
  MetadataDb,
  SupersededVersion,
} from "../../stores/metadata-db/metadata-db.port.ts";
import type { DeliveredEvent } from "../../stores/sync-stream/sync-stream.port.ts";

export const gcConsumerGroup = "gc";

export function supersededBy(event: FileChangedEvent): SupersededVersion | undefined {
  if (event.version < 2) return undefined;
  return {
    userId: event.userId,
    path: event.filePath,
    version: event.version - 1,
    supersededAtMs: event.timestampMs,
  };
}

export function expiryHandler(
  metadataDb: MetadataDb,
): (delivered: DeliveredEvent) => Promise<void> {
  return async ({ event }) => {
    const superseded = supersededBy(event);
    if (superseded) await metadataDb.queueVersionExpiry([superseded]);
  };
}
