// The run's saturation verdict: the target is blamed when fewer requests succeeded than the
// schedule drew in the window, not when a Poisson schedule happened to draw fewer than the mean.
import { describe, expect, it } from "vitest";
import type { OpenModelOutcome } from "../open-model/http-open-model.ts";
import { RunStats } from "./op-stats.ts";
import { judgeSaturation } from "./results-build.ts";

function outcome(scheduled: number, ok: number, askedPerS: number): OpenModelOutcome {
  const stats = new RunStats(["deltaUpload"]);
  const op = stats.op("deltaUpload");
  op.scheduledCount = scheduled;
  op.sentCount = scheduled;
  op.okCount = ok;
  return { stats, measuredWindowMs: 16_000, askedRatePerS: askedPerS, sentRatePerS: scheduled / 16,
    achievedRatePerS: ok / 16, unfinishedCount: 0, generatorCpuCores: 0.02, wallMs: 20_000 };
}

describe("judgeSaturation", () => {
  it("a Poisson schedule that drew 53 sends where 64 were expected, all served, is not saturation", () => {
    expect(judgeSaturation(outcome(53, 53, 4))).toEqual({ saturated: false, by: "none", reasons: [] });
  });

  it("a target that served 40 of the 53 scheduled is saturated, with both rates named", () => {
    const verdict = judgeSaturation(outcome(53, 40, 4));
    expect(verdict.by).toBe("target");
    expect(verdict.reasons).toEqual(["achieved 2.5 of the 3.3 req/s scheduled (4.0 asked)"]);
  });
});
