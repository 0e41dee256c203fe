// The GcWorker's I/O: version expiry over the 64 shards, then the sweep, in bounded batches.
// A sweep batch is: read candidates -> plan (pure, plan-sweep.ts) -> mark them deleting under
// their row locks (re-checking ref_count 0 and delete_after) -> delete their objects from the
// BlockStore (DeleteObjects requests) -> delete their rows. Every step is idempotent: a worker that dies anywhere leaves
// rows marked deleting, which no commit can reference, and the next sweep finishes them first.
import { deleteManyKeysMax } from "../../stores/block-store/block-store.port.ts";
import { shardCount } from "../../stores/metadata-db/metadata-db.port.ts";
import { planSweep } from "./plan-sweep.ts";
import type { GcHooks, GcSettings, GcWorkerPorts } from "./ports.ts";

export interface SweepStats {
  readonly batches: number;
  readonly blocksDeleted: number;
  readonly resumedCount: number;
  /** Candidates the row-lock re-check refused (referenced or leased since they were read). */
  readonly refusedCount: number;
}

export interface ExpiryStats {
  readonly versionsExpired: number;
  readonly refsReleased: number;
  readonly blocksOrphaned: number;
}

/** Runs `task` over `items` with at most `concurrency` in flight; the first failure rejects. */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export async function sweepOnce(
  ports: GcWorkerPorts,
  settings: GcSettings,
  hooks: GcHooks = {},
): Promise<SweepStats> {
  const stats = { batches: 0, blocksDeleted: 0, resumedCount: 0, refusedCount: 0 };
  const batchesMax = Math.ceil(settings.sweepBlocksMax / settings.batchBlocksMax);
  while (stats.batches < batchesMax) {
    const nowMs = ports.clock.nowMs();
    const candidates = await ports.metadataDb.gcCandidates(nowMs, settings.batchBlocksMax);
    const plan = planSweep(candidates, { nowMs, batchBlocksMax: settings.batchBlocksMax });
    if (plan.toDelete.length === 0) break;
    await hooks.pause?.("planned", plan.toDelete);
    const marked = await ports.metadataDb.beginBlockDeletion(plan.toDelete, nowMs);
    await hooks.pause?.("marked", marked);
    // DeleteObjects requests of up to 1,000 keys, deleteConcurrency of them in flight.
    const requests: string[][] = [];
    for (let i = 0; i < marked.length; i += deleteManyKeysMax)
      requests.push(marked.slice(i, i + deleteManyKeysMax));
    await inParallel(requests, settings.deleteConcurrency, (keys) =>
      ports.blockStore.deleteMany(keys),
    );
    await hooks.pause?.("objects-deleted", marked);
    const deleted = marked.length > 0 ? await ports.metadataDb.finishBlockDeletion(marked) : 0;
    await hooks.pause?.("rows-deleted", marked);
    stats.batches += 1;
    stats.blocksDeleted += deleted;
    stats.resumedCount += plan.resumedCount;
    stats.refusedCount += plan.toDelete.length - marked.length;
    if (marked.length === 0) break; // every candidate was taken back meanwhile: nothing to repeat
  }
  return stats;
}

/** Expires every shard's versions superseded more than the retention ago, batch by batch. */
export async function expireOnce(ports: GcWorkerPorts, settings: GcSettings): Promise<ExpiryStats> {
  const stats = { versionsExpired: 0, refsReleased: 0, blocksOrphaned: 0 };
  for (let shardIndex = 0; shardIndex < shardCount; shardIndex++) {
    for (;;) {
      const nowMs = ports.clock.nowMs();
      const result = await ports.metadataDb.expireVersions(shardIndex, {
        supersededBeforeMs: nowMs - settings.retentionMs,
        nowMs,
        graceMs: settings.graceMs,
        limit: settings.expiryBatchMax,
      });
      stats.versionsExpired += result.versionsExpired;
      stats.refsReleased += result.refsReleased;
      stats.blocksOrphaned += result.blocksOrphaned;
      if (result.versionsExpired < settings.expiryBatchMax) break;
    }
  }
  return stats;
}

export interface GcRunStats {
  readonly atMs: number;
  readonly expiry: ExpiryStats;
  readonly sweep: SweepStats;
}

/** Runs expiry then the sweep every sweepIntervalMs of the clock until stopped. */
export class GcLoop {
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  lastRun: GcRunStats | undefined;

  constructor(
    private readonly ports: GcWorkerPorts,
    private readonly settings: GcSettings,
    private readonly options: { log: (line: string) => void; hooks?: GcHooks },
  ) {}

  async runOnce(): Promise<GcRunStats> {
    const atMs = this.ports.clock.nowMs();
    const expiry = await expireOnce(this.ports, this.settings);
    const sweep = await sweepOnce(this.ports, this.settings, this.options.hooks);
    this.lastRun = { atMs, expiry, sweep };
    return this.lastRun;
  }

  start(): void {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const { expiry, sweep } = await this.runOnce();
        this.options.log(
          `gc run: ${expiry.versionsExpired} version(s) expired, ${expiry.blocksOrphaned} block(s) ` +
            `orphaned; ${sweep.blocksDeleted} block(s) deleted in ${sweep.batches} batch(es)`,
        );
      } catch (error) {
        this.options.log(`gc run failed: ${(error as Error).message} (retried next period)`);
      }
      if (this.stopped) break;
      await Promise.race([
        this.ports.clock.sleep(this.settings.sweepIntervalMs),
        new Promise<void>((resolve) => (this.wake = resolve)),
      ]);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }
}
