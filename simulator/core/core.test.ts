// Unit tests of the event core: the queue orders by (time, priority, sequence), the histogram's
// quantiles hold their stated precision, and the variates match their moments. Tolerances are
// multiples of the sampling sd (stated inline). The PRNG and Zipf tests are in
// reference-impl/core/random.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Environment } from "./environment.ts";
import { EventQueue, priorityUrgent } from "./event-queue.ts";
import { Histogram } from "./histogram.ts";
import { Rng } from "../../reference-impl/core/random.ts";
import { binomial, lognormalFromMean, makeSampler, moments } from "./variates.ts";

describe("EventQueue", () => {
  it("pops by time, then priority, then insertion order (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 }))),
        (items) => {
          const q = new EventQueue(2);
          items.forEach(([t, p], i) => q.push(t, i, p));
          const expected = items
            .map(([t, p], i) => ({ t, p, i }))
            .sort((x, y) => x.t - y.t || x.p - y.p || x.i - y.i)
            .map((x) => x.i);
          const got = items.map(() => q.pop());
          expect(got).toEqual(expected);
        },
      ),
      { seed: 20240607, numRuns: 200 },
    );
  });

  it("an urgent event at the same time runs before a normal one scheduled earlier", () => {
    const env = new Environment();
    const order: number[] = [];
    const kind = env.register("mark", (id) => order.push(id));
    env.schedule(1, kind, 1);
    env.schedule(1, kind, 2, priorityUrgent);
    env.run();
    expect(order).toEqual([2, 1]);
  });

  it("stops a runaway run with SIM_EVENTS_MAX", () => {
    const env = new Environment({ eventsMax: 100, simTimeSMax: 1e9 });
    const kind = env.register("loop", () => env.schedule(1, kind, 0));
    env.schedule(0, kind, 0);
    expect(() => env.run()).toThrow(/SIM_EVENTS_MAX|eventsMax=100/);
  });
});

describe("Histogram", () => {
  it("quantiles are within 0.05 % of the sorted-sample quantile; zeros are exact", () => {
    const rng = new Rng(3),
      h = new Histogram(),
      xs: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = i % 10 === 0 ? 0 : -Math.log(rng.uniform()) * 0.01;
      xs.push(x);
      h.record(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const exact = xs[Math.ceil(q * xs.length) - 1]!;
      expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThan(5e-4);
    }
    expect(h.fractionAbove(0)).toBeCloseTo(0.9, 10);
    expect(h.quantile(0.05)).toBe(0);
  });
});

describe("variates", () => {
  it("lognormal, hyper-exponential and empirical samplers match their first moment ± 4 SE", () => {
    const specs = [
      lognormalFromMean(0.03, 0.5),
      { kind: "hyperexponential", p: 0.3, mean1S: 0.01, mean2S: 0.2 } as const,
      { kind: "empirical", boundsS: [0, 0.01, 0.02, 0.1], counts: [5, 3, 2] } as const,
    ];
    specs.forEach((spec, k) => {
      const sample = makeSampler(spec, new Rng(10 + k));
      const { mean, secondMoment } = moments(spec);
      let sum = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) sum += sample();
      const se = Math.sqrt((secondMoment - mean * mean) / n);
      expect(Math.abs(sum / n - mean)).toBeLessThan(4 * se);
    });
  });

  it("binomial has mean np ± 4σ/√m in both the exact and the normal branch", () => {
    const rng = new Rng(9);
    for (const [n, p] of [
      [50, 0.1],
      [1e6, 0.3],
      [1e6, 0.99],
    ] as const) {
      let sum = 0;
      const m = 2000;
      for (let i = 0; i < m; i++) sum += binomial(rng, n, p);
      expect(Math.abs(sum / m - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / m) + 0.5);
    }
  });
});
