// Cross-check against an independent implementation: the same M/M/1 and M/M/3 inputs run in
// SimPy 4 (installed from PyPI by the test into .syncbench/cache/simpy-venv, cached) and in the
// simulator; mean and p99 of the sojourn must agree. Tolerance: by Whitt's planning formula the
// relative sd of a mean over T time units is √(2(1+ρ)/(ρ(1−ρ)²)/T) (0.77 % for M/M/1, ρ=0.5,
// 2e5 customers); the difference of two runs has √2 times that, so 4σ = 4.4 %, and p99 twice.
import { describe, expect, it } from "vitest";
import { ensureSimpy, runSimpyMmc } from "../bench/simpy-runner.bench.ts";
import { simulateMgc } from "../models/queue-models.ts";

const simpy = ensureSimpy();
if ("reason" in simpy) console.warn(`SimPy cross-check skipped: ${simpy.reason}`);

describe.skipIf("reason" in simpy)("SimPy cross-check", () => {
  it.each([
    [1, 0.5],
    [3, 2.1],
  ])("M/M/%i with λ = %f, μ = 1: simulator and SimPy agree", (servers, lambda) => {
    const params = {
      arrivalRate: lambda,
      serviceRate: 1,
      servers,
      customers: 200_000,
      warmupFraction: 0.05,
      seed: 17,
    };
    const theirs = runSimpyMmc((simpy as { python: string }).python, params);
    const ours = simulateMgc({
      arrivalRatePerS: lambda,
      service: { kind: "exponential", meanS: 1 },
      servers,
      customers: params.customers,
      warmupFraction: params.warmupFraction,
      seed: 17,
    });
    expect(Math.abs(ours.sojourn.mean - theirs.meanSojournS) / theirs.meanSojournS).toBeLessThan(
      0.044,
    );
    expect(Math.abs(ours.sojourn.quantile(0.99) - theirs.p99S) / theirs.p99S).toBeLessThan(0.088);
  });
});
