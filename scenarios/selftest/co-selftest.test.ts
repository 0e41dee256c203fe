// The coordinated-omission self-test, checked in ways a busy machine cannot break: a slow machine
// only makes answers later, so the open model's p99 (from the intended send) can only rise above
// the stall's truth, and the closed model, which skips the sends a stall held up, can only record
// fewer samples. The open model records every intended send; the closed model records about one
// per connection per stall in place of the stall's share of the schedule. Whether p99 lands
// within 5 % of the truth is a timing property: `syncbench selftest co` prints it (not a test).
// The verdict's rule (passed / inconclusive / failed) is checked on fixed figures.
import { describe, expect, it } from "vitest";
import { runClosedModel } from "../open-model/http-closed-model.ts";
import {
  coVerdict,
  runCoSelftest,
  type CoSelftestReport,
  type QuantileCheck,
} from "./co-selftest.ts";
import { startStallServer, trueQuantileMs } from "./stall-server.ts";

const params = {
  periodMs: 1_500,
  stallMs: 300,
  ratePerS: 250,
  measuredPeriodCount: 3,
  closedConnections: 2,
  tolerance: 0.05,
  runClosedModel: false,
};

const open = (o: Partial<CoSelftestReport["openModel"]>): CoSelftestReport["openModel"] => ({
  count: 1125,
  p50: 0.2,
  p90: 100,
  p99: 286,
  p999: 298,
  max: 300,
  mean: 30,
  sendLagMsP99: 1,
  scheduledCount: 1125,
  droppedCount: 0,
  errorCount: 0,
  ...o,
});
const check = (withinTolerance: boolean): QuantileCheck => ({
  quantile: "p99",
  truthMs: 285,
  openModelMs: withinTolerance ? 286 : 330,
  closedModelMs: null,
  relativeError: 0,
  withinTolerance,
});

describe("selftest co", () => {
  it("truth: p99 = stall - 1% of the period", () => {
    expect(trueQuantileMs({ periodMs: 2000, stallMs: 200 }, 0.99)).toBeCloseTo(180);
    expect(trueQuantileMs({ periodMs: 2000, stallMs: 200 }, 0.999)).toBeCloseTo(198);
    expect(trueQuantileMs({ periodMs: 2000, stallMs: 200 }, 0.5)).toBe(0);
  });

  it("verdict: passed within tolerance; outside it, inconclusive only when the generator was late", () => {
    expect(coVerdict(open({}), [check(true)], 7)).toBe("passed");
    expect(coVerdict(open({}), [check(false)], 7)).toBe("failed");
    expect(coVerdict(open({ sendLagMsP99: 40 }), [check(false)], 7)).toBe("inconclusive");
    expect(coVerdict(open({ errorCount: 1 }), [check(true)], 7)).toBe("failed");
    expect(coVerdict(open({ droppedCount: 2, sendLagMsP99: 40 }), [check(true)], 7)).toBe(
      "inconclusive",
    );
  });

  it("open model records every intended send and its p99 reaches the stall; closed model omits", async () => {
    const report = await runCoSelftest(params);
    const o = report.openModel;
    const truthP99 = trueQuantileMs(params, 0.99);
    const spacingMs = 1000 / params.ratePerS;
    expect(o.errorCount).toBe(0);
    expect(o.droppedCount).toBe(0);
    const expected = (params.ratePerS * params.measuredPeriodCount * params.periodMs) / 1000;
    expect(Math.abs(o.scheduledCount - expected)).toBeLessThanOrEqual(1); // both window edges
    expect(o.count).toBe(o.scheduledCount);
    // A send intended x ms before a stall ends is answered no sooner than x after its intended
    // time, however late it went out: p99 is at least the truth, less one send spacing (the
    // sends sample the stall every 4 ms) and the histogram's 3 significant digits.
    expect(o.p99).toBeGreaterThanOrEqual(truthP99 - spacingMs - 1);
    const server = await startStallServer(params);
    try {
      const measuredPeriods = 3;
      const closed = await runClosedModel({
        baseUrl: server.url,
        path: "/",
        connections: params.closedConnections,
        ratePerS: params.ratePerS,
        durationMs: (measuredPeriods + 1) * params.periodMs,
        warmupMs: params.periodMs,
      });
      expect(closed.errorCount).toBe(0);
      // Coordinated omission: each loop sends once into a stall and then waits it out, so about
      // stallMs x rate sends per stall are never made (a slower machine makes fewer still). A
      // driver that sent them late, or corrected for them, would record the full schedule.
      const scheduled = (params.ratePerS * measuredPeriods * params.periodMs) / 1000;
      const stallShare = params.stallMs / params.periodMs;
      const perStallSlack = 4 * params.closedConnections;
      const bound = scheduled * (1 - stallShare) + perStallSlack * (measuredPeriods + 1);
      expect(closed.latency.totalCount).toBeGreaterThan(0);
      expect(closed.latency.totalCount).toBeLessThanOrEqual(bound);
      expect(bound).toBeLessThan(0.9 * scheduled);
    } finally {
      await server.close();
    }
  }, 60_000);
});
