// --find-knee against the in-process built-in target with tiny steps: the search doubles from
// its start rate up to the scenario's peak and reports every step; with generous targets and a
// low peak it finds the knee at the peak unless the machine made the generator late.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDriverLimits } from "../open-model/http-open-model.ts";
import { loadScenario } from "../library/index.ts";
import { startBuiltinTarget, type BuiltinTarget } from "../targets/builtin-target.ts";
import { applyOverrides } from "./effective.ts";
import { findKnee, type KneeStep, type StepRunner } from "./find-knee.ts";

describe("findKnee", () => {
  let target: BuiltinTarget;
  beforeAll(async () => {
    target = await startBuiltinTarget();
  });
  afterAll(() => target.close());

  it("doubles up to the peak and reports each step", async () => {
    const scenario = applyOverrides(loadScenario("smoke"), { ratePerS: 80 });
    const report = await findKnee({
      scenario,
      baseUrl: target.url,
      targetLabel: "builtin",
      limits: defaultDriverLimits,
      stepDurationS: 1.5,
      startRatePerS: 20,
      bisectStepsMax: 1,
      log: () => {},
      processNames: new Map([[process.pid, "generator"]]),
    });
    expect(report.askedPeakRatePerS).toBe(80);
    expect(report.steps.length).toBeGreaterThanOrEqual(1);
    const first = report.steps[0]!;
    expect(first.ratePerS).toBe(20);
    // The built-in target serves the whole mix: every asked request is a served one.
    expect(report.servedShare).toBe(1);
    expect(first.servedRatePerS).toBe(20);
    expect(Object.keys(first.samplesByOperation).sort()).toEqual(
      Object.keys(first.latencyMsP99ByOperation).sort(),
    );
    // 30 sends over the mix: a rare operation (listFolder) may draw none in the step.
    const samples = Object.values(first.samplesByOperation);
    expect(samples.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    expect(samples.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // This process drove the load, so its tree shows under the name it was given, never as
    // "node (pid N)". Whether it shows at all is not checked: the list is the busiest 8 trees over
    // 0.01 cores, and on a busy machine (CPU burners beside the tests) it can fall out of it.
    expect(first.processes.some((p) => p.name.endsWith(`(pid ${process.pid})`))).toBe(false);
    expect(first.serverPartsMsP99).toBeNull();
    if (report.limitedBy === "none") {
      expect(report.kneeRatePerS).toBe(80);
      expect(report.steps.map((s) => s.ratePerS)).toEqual([20, 40, 80]);
    }
  }, 60_000);

  it("halves from a first step that fails until one holds, then bisects", async () => {
    // A stand-in for the stack: every step at or below 14 req/s holds its targets.
    const asked: number[] = [];
    const stepRunner: StepRunner = async (_o, ratePerS) => {
      asked.push(ratePerS);
      const passed = ratePerS <= 14;
      const step = {
        ratePerS,
        passed,
        reasons: passed ? [] : ["deltaUpload p99 over its target"],
        samplesByOperation: {},
        latencyMsP99ByOperation: {},
        processes: [],
        machineBusyCores: 0,
        serverPartsMsP99: null,
      } as unknown as KneeStep;
      return { step, results: { saturation: { by: passed ? "none" : "target" } } as never };
    };
    const report = await findKnee({
      scenario: applyOverrides(loadScenario("smoke"), { ratePerS: 1000 }),
      baseUrl: "http://127.0.0.1:9",
      targetLabel: "stand-in",
      limits: defaultDriverLimits,
      stepDurationS: 1,
      startRatePerS: 100,
      bisectStepsMax: 3,
      log: () => {},
      stepRunner,
    });
    expect(asked.slice(0, 4)).toEqual([100, 50, 25, 12.5]);
    expect(report.kneeRatePerS).toBeGreaterThanOrEqual(12.5);
    expect(report.kneeRatePerS).toBeLessThanOrEqual(14);
    expect(report.firstFailingRatePerS).toBeGreaterThan(14);
    expect(report.limitedBy).toBe("target");
  });
});
