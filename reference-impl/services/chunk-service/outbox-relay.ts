// The outbox relay: publishes committed file_changed events from the shards' outbox tables to the
// SyncStream and marks them sent. A commit wakes the relay of its own process at once; a sweep
// every sweepIntervalMs finds rows left by any process (a crash between commit and publish), so no
// event is lost, and a redelivery carries the same event id.
import type { Clock } from "../../runtime/clock.ts";
import type { MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";

export interface RelayOptions {
  readonly sweepIntervalMs: number;
  readonly batchRowsMax: number;
  /** Called with each error of a drain (the rows stay unsent and are retried). */
  readonly onError: (error: unknown) => void;
}

export class OutboxRelay {
  private readonly dirty = new Set<number>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  published = 0;

  constructor(
    private readonly db: MetadataDb,
    private readonly stream: SyncStream,
    private readonly clock: Clock,
    private readonly options: RelayOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
  }

  /** A commit on this shard just happened here: publish it now. */
  wake(shardIndex: number): void {
    this.dirty.add(shardIndex);
    void this.drainDirty();
  }

  async sweep(): Promise<void> {
    try {
      for (const shard of await this.db.shardsWithUnsentEvents()) this.dirty.add(shard);
    } catch (error) {
      this.options.onError(error);
    }
    await this.drainDirty();
  }

  /** One drain loop at a time; shards marked meanwhile are picked up before it ends. */
  private drainDirty(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.dirty.size > 0 && !this.stopped) {
        const shard = this.dirty.values().next().value as number;
        this.dirty.delete(shard);
        try {
          const count = await this.db.drainOutbox(
            shard,
            this.options.batchRowsMax,
            (rows) => this.stream.publish(rows.map((r) => r.event)),
            this.clock.nowMs(),
          );
          this.published += count;
          if (count === this.options.batchRowsMax) this.dirty.add(shard); // more may wait
        } catch (error) {
          this.options.onError(error); // rows stay unsent; the next sweep retries them
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
