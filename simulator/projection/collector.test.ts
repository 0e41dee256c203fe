// The collector's judgement before a verdict: an unstable station's figure fails as unstable,
// a figure that grew between the window's halves is "not steady", one replication decides
// nothing, a straddling interval names the replications that would decide it, a deterministic
// model compares its one figure, and a histogram bucket wider than the spread bounds the interval.
import { describe, expect, it } from "vitest";
import { MetricCollector, replicationsNeeded } from "./collector.ts";

const target = { max: 100, claims: ["C09"] };

function only(c: MetricCollector) {
  const [m] = c.metrics();
  return m!;
}

describe("MetricCollector verdicts", () => {
  it("calls a figure through a station offered ρ ≥ 1 unstable and fails it", () => {
    const c = new MetricCollector();
    for (const [v, rho] of [
      [50, 0.9],
      [60, 1.2],
      [55, 0.95],
    ] as const)
      c.add("p99", "ms", v, target, { offeredRho: rho, afterS: 10 });
    const m = only(c);
    expect(m.stability).toEqual({ status: "unstable", offeredRho: 1.2, afterS: 10 });
    expect(m.target).toMatchObject({ verdict: "fails", basis: "unstable" });
  });

  it("calls a figure whose mean grew between the halves not steady, and decides nothing", () => {
    const c = new MetricCollector();
    for (const v of [50, 51, 52])
      c.add("p99", "ms", v, target, {
        offeredRho: 0.9,
        afterS: 20,
        halves: { first: 0.05, second: 0.08 },
      });
    const m = only(c);
    expect(m.stability).toMatchObject({
      status: "notSteady",
      afterS: 20,
      firstHalfMeanS: 0.05,
      secondHalfMeanS: 0.08,
    });
    expect(m.target).toMatchObject({ verdict: "uncertain", basis: "notSteady" });
  });

  it("keeps a figure whose halves agree within 10 % steady", () => {
    const c = new MetricCollector();
    for (const v of [50, 51, 52])
      c.add("p99", "ms", v, target, {
        offeredRho: 0.9,
        afterS: 20,
        halves: { first: 0.05, second: 0.052 },
      });
    const m = only(c);
    expect(m.stability).toBeUndefined();
    expect(m.target).toMatchObject({ verdict: "holds", basis: "interval" });
  });

  it("issues no holds or fails from one replication", () => {
    const c = new MetricCollector();
    c.add("p99", "ms", 10, target);
    expect(only(c).target).toMatchObject({
      verdict: "uncertain",
      basis: "undecided",
      replicationsNeeded: null,
    });
  });

  it("names the replications that would decide a straddling interval", () => {
    const c = new MetricCollector();
    for (const v of [95, 99, 97]) c.add("p99", "ms", v, target);
    const m = only(c);
    // mean 97, sd 2: margin 3 needs t·2/√n < 3, first at n = 4 (3.182·2/2 = 3.18 no; n = 5: 2.776·2/√5 = 2.48)
    expect(m.target).toMatchObject({
      verdict: "uncertain",
      basis: "undecided",
      replicationsNeeded: 5,
    });
    expect(replicationsNeeded(2, 3)).toBe(5);
  });

  it("compares a deterministic experiment's one figure with the target", () => {
    const c = new MetricCollector(true);
    c.add("peak", "1/s", 120, target);
    const m = only(c);
    expect(m.halfWidth).toBeNull();
    expect(m.target).toMatchObject({ verdict: "fails", basis: "deterministic" });
  });

  it("widens an interval narrower than the histogram bucket to the bucket", () => {
    const c = new MetricCollector();
    for (let r = 0; r < 3; r++) c.add("p50", "ms", 99.99, target, { resolution: 0.1 });
    const m = only(c);
    expect(m.halfWidth).toBe(0);
    expect(m.resolution).toBe(0.1);
    expect(m.target).toMatchObject({
      verdict: "uncertain",
      basis: "undecided",
      replicationsNeeded: null,
    });
  });
});
