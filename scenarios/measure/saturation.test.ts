// The run's saturation verdict: the target is blamed when fewer requests succeeded than the
// schedule drew in the window, not when a Poisson schedule happened to draw fewer than the mean,
// nor for the driver's own failures. A late generator is generator-bound when its own work made
// it late (its CPU), and a busy machine (little generator CPU, a held-up event loop) when other
// processes did: the run of the issue, 4 req/s at 0.01 cores, is not generator-bound.
import { describe, expect, it } from "vitest";
import { recordMs } from "../../formats/hdr-histogram.ts";
import type { OpenModelOutcome } from "../open-model/http-open-model.ts";
import { RunStats } from "./op-stats.ts";
import { judgeSaturation } from "./results-build.ts";

function outcome(
  scheduled: number,
  ok: number,
  askedPerS: number,
  generator: { lagMs?: number; cores?: number; loopMsP99?: number } = {},
): OpenModelOutcome {
  const stats = new RunStats(["deltaUpload"]);
  const op = stats.op("deltaUpload");
  op.scheduledCount = scheduled;
  op.sentCount = scheduled;
  op.okCount = ok;
  for (let i = 0; i < scheduled; i++) recordMs(stats.sendLag, generator.lagMs ?? 0.5);
  const loop = generator.loopMsP99 ?? 0.5;
  return {
    stats,
    measuredWindowMs: 16_000,
    askedRatePerS: askedPerS,
    sentRatePerS: scheduled / 16,
    achievedRatePerS: ok / 16,
    unfinishedCount: 0,
    generatorCpuCores: generator.cores ?? 0.02,
    wallMs: 20_000,
    eventLoopDelayMs: { p50: loop / 2, p99: loop, max: loop },
  };
}

describe("judgeSaturation", () => {
  it("a Poisson schedule that drew 53 sends where 64 were expected, all served, is not saturation", () => {
    expect(judgeSaturation(outcome(53, 53, 4))).toEqual({
      saturated: false,
      by: "none",
      reasons: [],
    });
  });

  it("a target that served 40 of the 53 scheduled is saturated, with both rates named", () => {
    const verdict = judgeSaturation(outcome(53, 40, 4));
    expect(verdict.by).toBe("target");
    expect(verdict.reasons).toEqual(["achieved 2.5 of the 3.3 req/s scheduled (4.0 asked)"]);
  });

  it("a late generator on a busy machine (0.01 cores, event loop held up) is noted, not generator-bound", () => {
    const verdict = judgeSaturation(outcome(64, 64, 4, { lagMs: 40, cores: 0.01, loopMsP99: 35 }));
    expect(verdict.by).toBe("none");
    expect(verdict.saturated).toBe(false);
    expect(verdict.reasons).toHaveLength(1);
    // 40 ms comes back from the 3-digit histogram as 40.031.
    expect(verdict.reasons[0]).toMatch(
      new RegExp(
        "^machine busy: send lag p99 40\\.\\d+ ms > 10 ms with the " +
          "generator at 0\\.01 cores and event-loop delay p99 35 ms > 10 ms: other processes held the CPU; " +
          "latencies include the lag$",
      ),
    );
  });

  it("a late generator busy with its own work is generator-bound", () => {
    const verdict = judgeSaturation(outcome(64, 64, 4, { lagMs: 40, cores: 0.6, loopMsP99: 35 }));
    expect(verdict.by).toBe("generator");
    expect(verdict.reasons[0]).toMatch(
      /^send lag p99 40\.\d+ ms > 10 ms: the generator was late, busy with its own work/,
    );
  });

  it("a late generator whose event loop ran on time is generator-bound (the driver was late)", () => {
    const verdict = judgeSaturation(outcome(64, 64, 4, { lagMs: 40, cores: 0.01, loopMsP99: 2 }));
    expect(verdict.by).toBe("generator");
    expect(verdict.reasons[0]).toMatch(/the driver itself was late$/);
  });

  it("a generator above 0.8 cores is generator-bound even when on time", () => {
    expect(judgeSaturation(outcome(64, 64, 4, { cores: 0.9 })).reasons).toEqual([
      "generator used 0.90 cores > 0.8",
    ]);
  });

  it("the driver's own failures do not count against the target", () => {
    const o = outcome(53, 40, 4);
    const op = o.stats.op("deltaUpload");
    for (let i = 0; i < 13; i++) op.recordDriverError("DELTA_EDITS_EXHAUSTED");
    expect(judgeSaturation(o)).toEqual({ saturated: false, by: "none", reasons: [] });
    expect(op.errorCount).toBe(0);
  });
});
