// The queue monitor: gauges become sums and counts a reader can subtract, the loop and thread-pool
// probes record parts once the process runs them, and more gauges than the bound are refused.
import { describe, expect, it } from "vitest";
import { PartTimings } from "./part-timings.ts";
import { QueueMonitor, queueMonitorLimits, queuePartNames } from "./queue-monitor.ts";

/** Resolves once `done` holds, checking after each turn of the event loop (bounded). */
async function until(done: () => boolean, turnsMax = 100_000): Promise<void> {
  for (let i = 0; i < turnsMax && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

describe("QueueMonitor", () => {
  it("sums each gauge's samples and counts those above zero", () => {
    const timings = new PartTimings("t");
    let waiting = 0;
    const monitor = new QueueMonitor(timings, { "pool.waiters": () => waiting });
    timings.attachQueues(() => monitor.gaugeTotals());
    monitor.sampleGauges();
    waiting = 3;
    monitor.sampleGauges();
    monitor.sampleGauges();
    expect(timings.snapshot().queues).toEqual({
      "pool.waiters": { samplesCount: 3, sum: 6, nonZeroCount: 2 },
    });
  });

  it("records the event-loop delay and the thread pool's delay as parts once started", async () => {
    const timings = new PartTimings("t");
    const monitor = new QueueMonitor(timings, {});
    monitor.start();
    try {
      const count = (name: string) => timings.snapshot().parts[name]?.count ?? 0;
      await until(
        () => count(queuePartNames.eventLoopDelay) > 0 && count(queuePartNames.threadPoolDelay) > 0,
      );
    } finally {
      monitor.stop();
    }
  });

  it("refuses more gauges than gaugesMax", () => {
    const gauges = Object.fromEntries(
      Array.from({ length: queueMonitorLimits.gaugesMax + 1 }, (_, i) => [`g${i}`, () => 0]),
    );
    expect(() => new QueueMonitor(new PartTimings("t"), gauges)).toThrow(/at most 8 gauges/);
  });
});
