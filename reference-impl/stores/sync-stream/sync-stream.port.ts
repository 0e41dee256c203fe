// SyncStream: the file_changed event stream (Kafka topic `file-events`, 64 partitions, key
// user_id). Events of one user keep their order (one key, one partition); every consumer group
// (the notifier and the GC/metadata indexer) receives every event independently. Delivery is at
// least once: consumers deduplicate by eventId.
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";

export interface DeliveredEvent {
  readonly event: FileChangedEvent;
  readonly partition: number;
  readonly offset: string;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Start from the oldest retained event when the group has no committed offset. */
  readonly fromBeginning?: boolean;
}

export interface SyncStream {
  /** Publishes in order; resolves when the broker has acknowledged every event. */
  publish(events: readonly FileChangedEvent[]): Promise<void>;
  subscribe(groupId: string, handler: (delivered: DeliveredEvent) => Promise<void>,
    options?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

export const publishBatchMax = 10_000;
