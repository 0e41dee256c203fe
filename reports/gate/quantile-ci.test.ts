// The order-statistic interval of a percentile: its ranks against the binomial definition computed
// the slow way, its coverage over many seeded samples of a known distribution, and the sample rule.
import { describe, expect, it } from "vitest";
import { quantileRank, quantileRankInterval, samplesMinFor } from "./quantile-ci.ts";

/** P(B <= k) for B ~ Binomial(n, q), by summing every term in log space (slow, plain). */
function binomialCdf(n: number, q: number, k: number): number {
  let logC = 0; // log C(n, 0)
  let sum = 0;
  for (let j = 0; j <= k; j++) {
    if (j > 0) logC += Math.log(n - j + 1) - Math.log(j);
    sum += Math.exp(logC + j * Math.log(q) + (n - j) * Math.log(1 - q));
  }
  return sum;
}

/** A small seeded generator (mulberry32) for the coverage check; reports/ has no PRNG of its own. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("quantileRankInterval", () => {
  for (const [n, q] of [
    [20, 0.5],
    [100, 0.9],
    [1000, 0.99],
    [2500, 0.99],
    [400, 0.5],
  ] as const) {
    it(`n=${n} q=${q}: the largest l with P(B < l) <= 2.5 %, the smallest u with P(B >= u) <= 2.5 %`, () => {
      const { lowRank, highRank } = quantileRankInterval(n, q);
      const below = (l: number) => (l === 0 ? 0 : binomialCdf(n, q, l - 1));
      const atOrAbove = (u: number) => 1 - binomialCdf(n, q, u - 1);
      expect(below(lowRank)).toBeLessThanOrEqual(0.025 + 1e-12);
      expect(below(lowRank + 1)).toBeGreaterThan(0.025);
      expect(atOrAbove(highRank)).toBeLessThanOrEqual(0.025 + 1e-12);
      expect(atOrAbove(highRank - 1)).toBeGreaterThan(0.025);
      expect(lowRank).toBeLessThan(quantileRank(n, q));
      expect(highRank).toBeGreaterThan(quantileRank(n, q));
      expect(highRank).toBeLessThanOrEqual(n);
    });
  }

  it("reaches past the largest sample when the samples are too few for the percentile", () => {
    expect(quantileRankInterval(65, 0.99).highRank).toBe(66);
    expect(quantileRankInterval(1000, 0.99).highRank).toBeLessThanOrEqual(1000);
  });

  it("covers the true p99 of uniform samples in at least 93 % of 400 seeded runs of 1,000", () => {
    const random = mulberry32(15);
    const n = 1000;
    const { lowRank, highRank } = quantileRankInterval(n, 0.99);
    let covered = 0;
    for (let run = 0; run < 400; run++) {
      const xs = Array.from({ length: n }, random).sort((a, b) => a - b);
      if (xs[lowRank - 1]! <= 0.99 && 0.99 <= xs[highRank - 1]!) covered++;
    }
    // Nominal >= 95 %; 93 % leaves room for 400 runs' own spread (sd ~1.1 %).
    expect(covered / 400).toBeGreaterThanOrEqual(0.93);
  });

  it("refuses an n or quantile it cannot use", () => {
    expect(() => quantileRankInterval(0, 0.99)).toThrow(RangeError);
    expect(() => quantileRankInterval(10, 1)).toThrow(RangeError);
  });
});

describe("samplesMinFor: 10 samples expected above the percentile", () => {
  it("asks 20 for p50, 100 for p90, 1,000 for p99, 10,000 for p99.9", () => {
    expect([0.5, 0.9, 0.99, 0.999].map(samplesMinFor)).toEqual([20, 100, 1000, 10000]);
  });
});
