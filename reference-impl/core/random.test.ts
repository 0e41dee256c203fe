// The project's one PRNG and Zipf sampler: the same seed gives the same stream (pinned, because
// the simulator's golden projections depend on it), named streams are independent, every draw
// is in range, and Zipf ranks follow k^-s / H(n, s) by a chi-square test that rejects a wrong s.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exponential, normal, Rng, ZipfSampler } from "./random.ts";

/** Upper 0.1 % point of chi-square with `df` degrees of freedom (Wilson & Hilferty 1931). */
function chiSquareCritical999(df: number): number {
  const z = 3.090232; // standard normal upper 0.1 % point
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function zipfPmf(n: number, s: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => (i + 1) ** -s);
  const total = weights.reduce((x, y) => x + y, 0);
  return weights.map((w) => w / total);
}

/** Pearson's statistic of `draws` ranks from `sampler` against the pmf of Zipf(n, s). */
function chiSquare(counts: Float64Array, pmf: number[], draws: number): number {
  let x2 = 0;
  pmf.forEach((p, i) => {
    const expected = p * draws;
    x2 += (counts[i + 1]! - expected) ** 2 / expected;
  });
  return x2;
}

function rankCounts(n: number, s: number, seed: number, draws: number): Float64Array {
  const zipf = new ZipfSampler(n, s, new Rng(seed).fork("zipf-test"));
  const counts = new Float64Array(n + 1);
  for (let i = 0; i < draws; i++) counts[zipf.sample()]!++;
  return counts;
}

describe("Rng", () => {
  it("gives the stream the simulator's golden files were made with (seed 7)", () => {
    const rng = new Rng(7);
    const first = Array.from({ length: 4 }, () => rng.nextU32());
    expect(first).toEqual([3358634187, 3507208288, 4095670582, 3069758208]);
    expect(new Rng(7).fork("users").uniform()).toBe(0.4274211264342895);
  });

  it("is reproducible and fork(name) ignores the order in which streams are made", () => {
    const a = new Rng(42),
      b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => new Rng(43).nextU32())).not.toEqual(xs);
    const s1 = new Rng(7).fork("arrivals").uniform();
    const root = new Rng(7);
    root.fork("service");
    root.nextU32();
    expect(root.fork("arrivals").uniform()).toBe(s1);
    expect(new Rng(7).fork("service").uniform()).not.toBe(s1);
  });

  it("refuses a seed outside 0..2^32-1 with the value seen", () => {
    expect(() => new Rng(-1)).toThrow(/seed must be an integer in 0\.\.4294967295, got -1/);
    expect(() => new Rng(2 ** 32)).toThrow(RangeError);
    expect(() => new Rng(1.5)).toThrow(RangeError);
  });

  it("uniform is in (0,1) with mean 1/2 ± 4σ over 1e5 draws", () => {
    const rng = new Rng(1);
    let sum = 0,
      outside = 0;
    for (let i = 0; i < 1e5; i++) {
      const u = rng.uniform();
      if (!(u > 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 1e5 - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 1e5));
  });

  it("below(n) is an integer in 0..n-1 for any seed and n (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const x = new Rng(seed).below(n);
        return Number.isInteger(x) && x >= 0 && x < n;
      }),
      { seed: 11 },
    );
  });

  it("bytes(length) has the length asked, is seeded, and its byte values are uniform", () => {
    const a = new Rng(3).bytes(65_539),
      b = new Rng(3).bytes(65_539);
    expect(a.length).toBe(65_539);
    expect(a).toEqual(b);
    const counts = new Float64Array(256);
    for (const v of new Rng(4).bytes(256_000)) counts[v]!++;
    const x2 = counts.reduce((sum, c) => sum + (c - 1000) ** 2 / 1000, 0);
    expect(x2).toBeLessThan(chiSquareCritical999(255));
  });

  it("normal and exponential have their means within 4σ over 1e5 draws", () => {
    const rng = new Rng(8);
    let sumN = 0,
      sumE = 0;
    for (let i = 0; i < 1e5; i++) {
      sumN += normal(rng);
      sumE += exponential(rng, 2);
    }
    expect(Math.abs(sumN / 1e5)).toBeLessThan(4 / Math.sqrt(1e5));
    expect(Math.abs(sumE / 1e5 - 2)).toBeLessThan((4 * 2) / Math.sqrt(1e5));
  });
});

describe("ZipfSampler", () => {
  it("gives the ranks the simulator's golden files were made with (700M users, s = 0.99)", () => {
    const zipf = new ZipfSampler(700_000_000, 0.99, new Rng(7).fork("users"));
    expect(Array.from({ length: 5 }, () => zipf.sample())).toEqual([153016, 3186, 9, 19575430, 7]);
  });

  it("draws ranks in 1..n, and draw(rng) is sample() on a stream given per call", () => {
    const skew = fc.double({ min: 0, max: 3, noNaN: true });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        skew,
        fc.nat({ max: 0xffffffff }),
        (n, s, seed) => {
          const k = new ZipfSampler(n, s, new Rng(seed)).sample();
          return (
            Number.isInteger(k) &&
            k >= 1 &&
            k <= n &&
            new ZipfSampler(n, s).draw(new Rng(seed)) === k
          );
        },
      ),
      { seed: 12 },
    );
  });

  it("refuses n < 1, a fractional n, a negative or infinite s, sample() without a stream", () => {
    expect(() => new ZipfSampler(0, 1)).toThrow(/n ≥ 1.*got n=0 s=1/);
    expect(() => new ZipfSampler(2.5, 1)).toThrow(RangeError);
    expect(() => new ZipfSampler(10, -0.1)).toThrow(RangeError);
    expect(() => new ZipfSampler(10, Infinity)).toThrow(RangeError);
    expect(() => new ZipfSampler(10, 1).sample()).toThrow(/use draw\(rng\)/);
  });

  // 100 ranks, 100,000 draws: the least likely rank still expects > 100, so Pearson's statistic
  // is chi-square with 99 degrees of freedom; 0.1 % critical value ≈ 148.2.
  for (const s of [0, 0.99, 1.1]) {
    it(`rank frequencies of Zipf(100, ${s}) pass chi-square at 0.1 % against k^-s / H`, () => {
      const n = 100,
        draws = 100_000;
      const x2 = chiSquare(rankCounts(n, s, 21, draws), zipfPmf(n, s), draws);
      expect(x2).toBeLessThan(chiSquareCritical999(n - 1));
    });
  }

  it("the same test rejects a sampler whose skew is off by 0.1 (the test can fail)", () => {
    const n = 100,
      draws = 100_000;
    const x2 = chiSquare(rankCounts(n, 1.09, 21, draws), zipfPmf(n, 0.99), draws);
    expect(x2).toBeGreaterThan(chiSquareCritical999(n - 1));
  });
});
