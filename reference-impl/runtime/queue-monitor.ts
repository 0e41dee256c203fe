// The queues inside one Node process, reported beside its part timings (issue 18: a part that
// grows with the rate is waiting somewhere, and these say where). Three are timed as parts, so a
// reader subtracts two snapshots for its window like any other part:
//   process.eventLoopDelay: how late a 50 ms timer fires, the wait every callback on this loop
//     shares (what perf_hooks.monitorEventLoopDelay samples; a part of our own because that
//     histogram cannot be subtracted between two readers' snapshots);
//   process.threadPoolDelay: an fs.stat of "/" sent to libuv's thread pool every 250 ms, the
//     wait of fs, zlib and async crypto work queued there (a crypto.randomFill probe cost more
//     CPU in a profile than this one);
//   process.gcPause: each garbage-collection pause (perf_hooks "gc" entries).
// Gauges are sampled with the loop timer (pool waiters, requests in flight) as sums and counts, so
// the mean over a window is (sum after - sum before) / (samples after - samples before).
import { stat } from "node:fs";
import { PerformanceObserver, performance } from "node:perf_hooks";
import type { PartTimings } from "./part-timings.ts";

export const queuePartNames = {
  eventLoopDelay: "process.eventLoopDelay",
  threadPoolDelay: "process.threadPoolDelay",
  gcPause: "process.gcPause",
} as const;

export const queueMonitorLimits = {
  loopSampleIntervalMs: 50,
  threadPoolProbeIntervalMs: 250,
  /** Gauges one process samples: a bound on the snapshot's size. */
  gaugesMax: 8,
} as const;

export interface GaugeTotals {
  readonly samplesCount: number;
  /** Sum of the sampled values (mean over a window = Δsum / ΔsamplesCount). */
  readonly sum: number;
  /** Samples at which the value was above zero (share of the time something waited). */
  readonly nonZeroCount: number;
}

export type GaugeReaders = Readonly<Record<string, () => number>>;

export class QueueMonitor {
  private readonly totals = new Map<string, { samplesCount: number; sum: number; nz: number }>();
  private loopTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeInFlight = false;
  private readonly gc: PerformanceObserver;

  constructor(
    private readonly timings: PartTimings,
    private readonly gauges: GaugeReaders,
  ) {
    const names = Object.keys(gauges);
    if (names.length > queueMonitorLimits.gaugesMax) {
      throw new RangeError(
        `at most ${queueMonitorLimits.gaugesMax} gauges per process, got ${names.length}`,
      );
    }
    for (const name of names) this.totals.set(name, { samplesCount: 0, sum: 0, nz: 0 });
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        this.timings.record(queuePartNames.gcPause, entry.duration);
    });
  }

  start(): void {
    this.gc.observe({ entryTypes: ["gc"] });
    const interval = queueMonitorLimits.loopSampleIntervalMs;
    let due = performance.now() + interval;
    const tick = () => {
      const now = performance.now();
      this.timings.record(queuePartNames.eventLoopDelay, Math.max(0, now - due));
      this.sampleGauges();
      due = now + interval;
      this.loopTimer = setTimeout(tick, interval).unref();
    };
    this.loopTimer = setTimeout(tick, interval).unref();
    this.probeTimer = setInterval(
      () => this.probeThreadPool(),
      queueMonitorLimits.threadPoolProbeIntervalMs,
    ).unref();
  }

  stop(): void {
    clearTimeout(this.loopTimer);
    clearInterval(this.probeTimer);
    this.gc.disconnect();
  }

  /** Cumulative totals per gauge since the process started. */
  gaugeTotals(): Record<string, GaugeTotals> {
    const out: Record<string, GaugeTotals> = {};
    for (const [name, t] of this.totals) {
      out[name] = { samplesCount: t.samplesCount, sum: t.sum, nonZeroCount: t.nz };
    }
    return out;
  }

  /** One sample of every gauge (the loop timer calls it; public for tests). */
  sampleGauges(): void {
    for (const [name, read] of Object.entries(this.gauges)) {
      const total = this.totals.get(name)!;
      const value = read();
      total.samplesCount++;
      total.sum += value;
      if (value > 0) total.nz++;
    }
  }

  private probeThreadPool(): void {
    if (this.probeInFlight) return; // a probe still queued is itself the measurement
    this.probeInFlight = true;
    const startedAt = performance.now();
    stat("/", () => {
      // The answer does not matter (a failed stat waited in the same queue): only its delay.
      this.probeInFlight = false;
      this.timings.record(queuePartNames.threadPoolDelay, performance.now() - startedAt);
    });
  }
}
