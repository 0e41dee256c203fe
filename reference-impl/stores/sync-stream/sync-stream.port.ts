// SyncStream: the file_changed event stream (Kafka topic `file-events`, 64 partitions, key
// user_id). Events of one user keep their order (one key, one partition); every consumer group
// (the notifier and the GC/metadata indexer) receives every event independently. Delivery is at
// least once: consumers deduplicate by eventId.
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";

export interface DeliveredEvent {
  readonly event: FileChangedEvent;
  readonly partition: number;
  readonly offset: string;
  /** When the broker's producer stamped the record (Kafka CreateTime), if the stream keeps one. */
  readonly publishedAtMs?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Start from the oldest retained event when the group has no committed offset. */
  readonly fromBeginning?: boolean;
}

/** One partition's retained range: offsets lowOffset..highOffset-1 hold events. */
export interface PartitionDescription {
  readonly partition: number;
  /** Offset of the oldest retained event (the log start). */
  readonly lowOffset: number;
  /** Offset the next event will get (the high watermark). */
  readonly highOffset: number;
}

/** What fsck reads of the stream: the topic, its partitions and their offsets. */
export interface StreamDescription {
  readonly topic: string;
  /** In partition order; empty when the topic does not exist. */
  readonly partitions: readonly PartitionDescription[];
}

export interface SyncStream {
  /** Publishes in order; resolves when the broker has acknowledged every event. */
  publish(events: readonly FileChangedEvent[]): Promise<void>;
  subscribe(
    groupId: string,
    handler: (delivered: DeliveredEvent) => Promise<void>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Reads only: the topic's partitions and their offsets (admin metadata, no consumer group). */
  describe(): Promise<StreamDescription>;
  close(): Promise<void>;
}

export const publishBatchMax = 10_000;
