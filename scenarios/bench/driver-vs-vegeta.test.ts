// The driver bench's cross-check rules on fixed figures: Vegeta's JSON lines summarized over the
// window after the warm-up, bash's `times` read as CPU seconds, and the 10 % agreement verdict
// taken on the median of paired repetitions (a missing side is never an agreement).
import { describe, expect, it } from "vitest";
import { agreementAt, relativeDifference } from "./driver-vs-vegeta.ts";
import { childCpuSeconds, summarizeVegetaLines } from "./vegeta-run.ts";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

describe("vegeta cross-check", () => {
  it("drops the warm-up, counts errors apart and reads latency in ns", () => {
    const lines = [
      { timestamp: at(0), latency: 900e6, code: 200, error: "" },
      { timestamp: at(1_000), latency: 2e6, code: 200, error: "" },
      { timestamp: at(1_500), latency: 4e6, code: 200, error: "" },
      { timestamp: at(2_000), latency: 0, code: 0, error: "connection refused" },
    ];
    const s = summarizeVegetaLines(lines, 1_000);
    expect(s.okCount).toBe(2);
    expect(s.errorCount).toBe(1);
    expect(s.errorsByText).toEqual({ "connection refused": 1 });
    expect(s.latencyMs.count).toBe(2);
    expect(s.latencyMs.max).toBeLessThan(5);
    expect(s.achievedPerS).toBe(3);
  });

  it("sums the children's user and system time of bash's times", () => {
    expect(childCpuSeconds("0m0.010s 0m0.020s\n0m1.500s 1m0.250s\n")).toBeCloseTo(61.75, 6);
  });

  it("agrees within 10 % on the medians of paired repetitions, never on nothing", () => {
    const pair = (rep: number, d: number, v: number) => ({
      rep,
      ratePerS: 2_000,
      driverMs: { p50: d, p99: d * 10 },
      vegetaMs: { p50: v, p99: v * 12 },
    });
    const [p50, p99] = agreementAt([pair(1, 1, 1.05), pair(2, 1, 5), pair(3, 1, 1.08)], 2_000);
    expect(p50).toMatchObject({ driverMs: 1, vegetaMs: 1.08, agrees: true });
    expect(p99).toMatchObject({ relativeDifference: 0.296, agrees: false });
    expect(agreementAt([], 2_000).every((a) => !a.agrees)).toBe(true);
    expect(relativeDifference(0, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});
