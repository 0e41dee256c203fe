// Oracle tests: the simulator's M/M/1, M/M/c, M/D/1, M/G/1, Erlang B and Jackson results
// against closed forms, with fixed seeds so each test passes or fails the same way every run.
// Tolerances: "1 % mean / 2 % p99 per run" only where a run's sd supports it (notes/simulation.md
// section 2: sd of E[T] ≈ 0.22 % at M/M/1 ρ=0.5 and 0.29 % at M/M/15 ρ=0.8 per 1e6 customers,
// so 1 % is > 3σ); elsewhere 99 % replication intervals (t_{0.995,n−1}·s/√n).
import { describe, expect, it } from "vitest";
import { replicationInterval } from "../core/confidence.ts";
import { lognormalFromMean, moments } from "../core/variates.ts";
import { simulateJackson, simulateMgc, type MgcResult } from "../models/queue-models.ts";
import { jacksonMeanSojournS } from "./jackson.ts";
import { md1, mg1 } from "./mg1.ts";
import { mm1 } from "./mm1.ts";
import { erlangB, mmc } from "./mmc.ts";

const rel = (x: number, y: number) => Math.abs(x - y) / y;

/** Little's law is a sample-path identity for runs that start and end empty. */
function expectLittle(result: MgcResult | { little: MgcResult["little"] }) {
  expect(rel(result.little.lambdaW, result.little.numberInSystem)).toBeLessThan(1e-9);
}

describe("M/M/1 against Exp(μ−λ) sojourn", () => {
  it("ρ = 0.5, 1e6 customers: mean within 1 %, p99 within 2 %, P(W>0) = ρ ± 0.005", () => {
    const r = simulateMgc({
      arrivalRatePerS: 0.5,
      service: { kind: "exponential", meanS: 1 },
      servers: 1,
      customers: 1e6,
      warmupFraction: 0.05,
      seed: 11,
    });
    const theory = mm1(0.5, 1);
    expect(rel(r.sojourn.mean, theory.meanSojournS)).toBeLessThan(0.01);
    expect(rel(r.sojourn.quantile(0.99), theory.sojournQuantileS(0.99))).toBeLessThan(0.02);
    expect(Math.abs(1 - r.wait.fractionAbove(0) - (1 - theory.utilisation))).toBeLessThan(0.005);
    expectLittle(r);
  });

  it("ρ = 0.9: 10 replications of 3e5 customers; theory inside the 99 % interval", () => {
    const theory = mm1(0.9, 1);
    const runs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) =>
      simulateMgc({
        arrivalRatePerS: 0.9,
        service: { kind: "exponential", meanS: 1 },
        servers: 1,
        customers: 3e5,
        warmupFraction: 0.05,
        seed,
      }),
    );
    runs.forEach(expectLittle);
    const m = replicationInterval(
      runs.map((r) => r.sojourn.mean),
      0.99,
    );
    const p99 = replicationInterval(
      runs.map((r) => r.sojourn.quantile(0.99)),
      0.99,
    );
    expect(Math.abs(m.mean - theory.meanSojournS)).toBeLessThan(m.halfWidth);
    expect(Math.abs(p99.mean - theory.sojournQuantileS(0.99))).toBeLessThan(p99.halfWidth);
  });
});

describe("M/M/c (Erlang C) against its wait and sojourn tails", () => {
  it("c = 15, ρ = 0.8, 1e6 customers: mean 1 %, p99 2 %, P(W>0) and P(W > 1/θ) ± 0.005", () => {
    const lambda = 12,
      theory = mmc(lambda, 1, 15);
    const r = simulateMgc({
      arrivalRatePerS: lambda,
      service: { kind: "exponential", meanS: 1 },
      servers: 15,
      customers: 1e6,
      warmupFraction: 0.05,
      seed: 21,
    });
    expect(rel(r.sojourn.mean, theory.meanSojournS)).toBeLessThan(0.01);
    expect(rel(r.sojourn.quantile(0.99), theory.sojournQuantileS(0.99))).toBeLessThan(0.02);
    expect(Math.abs(r.wait.fractionAbove(0) - theory.probabilityWait)).toBeLessThan(0.005);
    const t = 1 / (15 - lambda);
    expect(Math.abs(r.wait.fractionAbove(t) - theory.waitTail(t))).toBeLessThan(0.005);
    expectLittle(r);
  });

  it("c = 15, ρ = 0.9: wait p99 of 8 replications brackets ln(C/0.01)/θ", () => {
    const lambda = 13.5,
      theory = mmc(lambda, 1, 15);
    const runs = [31, 32, 33, 34, 35, 36, 37, 38].map((seed) =>
      simulateMgc({
        arrivalRatePerS: lambda,
        service: { kind: "exponential", meanS: 1 },
        servers: 15,
        customers: 3e5,
        warmupFraction: 0.05,
        seed,
      }),
    );
    const w = replicationInterval(
      runs.map((r) => r.wait.quantile(0.99)),
      0.99,
    );
    expect(Math.abs(w.mean - theory.waitQuantileS(0.99))).toBeLessThan(w.halfWidth);
  });
});

describe("M/G/1 Pollaczek-Khinchine", () => {
  it("M/D/1 ρ = 0.5, 1e6 customers: mean sojourn within 1 %", () => {
    const r = simulateMgc({
      arrivalRatePerS: 0.5,
      service: { kind: "deterministic", valueS: 1 },
      servers: 1,
      customers: 1e6,
      warmupFraction: 0.05,
      seed: 41,
    });
    expect(rel(r.sojourn.mean, md1(0.5, 1).meanSojournS)).toBeLessThan(0.01);
    expectLittle(r);
  });

  it("M/D/1 ρ = 0.8 and lognormal (cv 2) ρ = 0.5: theory inside 99 % replication intervals", () => {
    const cases = [
      { lambda: 0.8, spec: { kind: "deterministic", valueS: 1 } as const },
      { lambda: 0.5, spec: lognormalFromMean(1, 2) },
    ];
    for (const { lambda, spec } of cases) {
      const { mean, secondMoment } = moments(spec);
      const theory = mg1(lambda, mean, secondMoment);
      const runs = [51, 52, 53, 54, 55, 56, 57, 58].map((seed) =>
        simulateMgc({
          arrivalRatePerS: lambda,
          service: spec,
          servers: 1,
          customers: 2.5e5,
          warmupFraction: 0.05,
          seed,
        }),
      );
      const m = replicationInterval(
        runs.map((r) => r.sojourn.mean),
        0.99,
      );
      expect(Math.abs(m.mean - theory.meanSojournS), JSON.stringify(m)).toBeLessThan(m.halfWidth);
    }
  });
});

describe("Erlang B (M/G/c/c), insensitive to the service distribution", () => {
  it.each([
    ["exponential", { kind: "exponential", meanS: 1 } as const],
    ["deterministic", { kind: "deterministic", valueS: 1 } as const],
    ["lognormal cv 1.5", lognormalFromMean(1, 1.5)],
  ])("c = 15, a = 12, %s service: P(block) within 1 %", (_, spec) => {
    const r = simulateMgc({
      arrivalRatePerS: 12,
      service: spec,
      servers: 15,
      queueMax: 0,
      customers: 1e6,
      seed: 61,
    });
    // Binomial SE of the blocking fraction: √(B(1−B)/n) = 0.28 % of B at n = 1e6, so 1 % is ≈ 3.5σ.
    expect(rel(r.blocked / r.offered, erlangB(15, 12))).toBeLessThan(0.01);
    expectLittle(r);
  });
});

describe("Jackson network with feedback", () => {
  it("gateway(4) → service(15) → db(8), 20 % of db visits return to service: mean within 99 % CI", () => {
    const input = {
      externalRatesPerS: [3, 0, 0],
      serviceRatesPerS: [1, 0.3125, 0.625],
      servers: [4, 15, 8],
      routing: [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0.2, 0],
      ],
    };
    const theory = jacksonMeanSojournS(input);
    const runs = [71, 72, 73, 74, 75, 76].map((seed) =>
      simulateJackson({
        stations: input.servers.map((servers, i) => ({
          name: `s${i}`,
          servers,
          meanServiceS: 1 / input.serviceRatesPerS[i]!,
          externalRatePerS: input.externalRatesPerS[i]!,
        })),
        routing: input.routing,
        durationS: 1.2e5,
        warmupS: 5e3,
        seed,
      }),
    );
    runs.forEach(expectLittle);
    const m = replicationInterval(
      runs.map((r) => r.sojourn.mean),
      0.99,
    );
    expect(Math.abs(m.mean - theory.meanSojournS), JSON.stringify({ m, theory })).toBeLessThan(
      m.halfWidth,
    );
    expect(rel(m.mean, theory.meanSojournS)).toBeLessThan(0.01);
  });
});
