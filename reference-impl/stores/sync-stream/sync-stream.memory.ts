// SyncStream in memory: a log per partition (murmur-free: FNV-1a of the key), a cursor per
// consumer group and partition, delivery in order, one handler call at a time per group.
import { shardIndexOf } from "../metadata-db/shard-router.ts";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import type {
  DeliveredEvent,
  StreamDescription,
  SubscribeOptions,
  Subscription,
  SyncStream,
} from "./sync-stream.port.ts";
import { checkPublish } from "./sync-stream.validate.ts";
import { partitionCount as designPartitionCount } from "../../core/design-figures.ts";

interface Group {
  readonly handler: (delivered: DeliveredEvent) => Promise<void>;
  readonly cursors: number[];
  running: boolean;
  closed: boolean;
}

export class MemorySyncStream implements SyncStream {
  private readonly logs: FileChangedEvent[][];
  private readonly groups = new Set<Group>();

  constructor(
    private readonly partitionCount = designPartitionCount,
    private readonly topic = "file-events",
  ) {
    this.logs = Array.from({ length: partitionCount }, () => []);
  }

  async publish(events: readonly FileChangedEvent[]): Promise<void> {
    checkPublish(events);
    for (const event of events) this.logs[this.partitionOf(event.userId)]?.push(event);
    for (const group of this.groups) void this.drain(group);
  }

  private partitionOf(key: string): number {
    return shardIndexOf(key) % this.partitionCount;
  }

  async subscribe(
    _groupId: string,
    handler: (delivered: DeliveredEvent) => Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const cursors = this.logs.map((log) => (options.fromBeginning ? 0 : log.length));
    const group: Group = { handler, cursors, running: false, closed: false };
    this.groups.add(group);
    void this.drain(group);
    return {
      close: async () => {
        group.closed = true;
        this.groups.delete(group);
      },
    };
  }

  /** Delivers everything past the group's cursors, partition by partition, one event at a time. */
  private async drain(group: Group): Promise<void> {
    if (group.running) return;
    group.running = true;
    try {
      let delivered = true;
      while (delivered && !group.closed) {
        delivered = false;
        for (let p = 0; p < this.partitionCount; p++) {
          const log = this.logs[p] as FileChangedEvent[];
          const cursor = group.cursors[p] as number;
          if (cursor >= log.length) continue;
          await group.handler({
            event: log[cursor] as FileChangedEvent,
            partition: p,
            offset: String(cursor),
          });
          group.cursors[p] = cursor + 1;
          delivered = true;
        }
      }
    } finally {
      group.running = false;
    }
  }

  async describe(): Promise<StreamDescription> {
    return {
      topic: this.topic,
      partitions: this.logs.map((log, partition) => ({
        partition,
        lowOffset: 0,
        highOffset: log.length,
      })),
    };
  }

  async close(): Promise<void> {
    for (const group of this.groups) group.closed = true;
    this.groups.clear();
  }
}
