// Boundary checks for events entering the SyncStream, shared by both adapters.
import { SyncbenchError } from "../../core/errors.ts";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import { publishBatchMax } from "./sync-stream.port.ts";

export function checkPublish(events: readonly FileChangedEvent[]): void {
  if (events.length > publishBatchMax) {
    throw new SyncbenchError(
      "STREAM_BATCH_TOO_LARGE",
      `${events.length} events in one publish, at most ${publishBatchMax}; nothing was published`,
    );
  }
  const bad = events.findIndex((e) => !e.eventId || !e.userId || !Number.isSafeInteger(e.version));
  if (bad >= 0) {
    throw new SyncbenchError(
      "STREAM_EVENT_INVALID",
      `event ${bad} needs eventId, userId and an integer version, got ${JSON.stringify(events[bad]).slice(0, 200)}; nothing was published`,
    );
  }
}
