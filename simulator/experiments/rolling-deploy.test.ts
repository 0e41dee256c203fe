// rolling-deploy's projection: one deterministic run whatever --replications says, the same
// figures whatever the seed (the cohort model draws nothing), peaks over 1 s windows unless a
// slot is asked for (a 10 ms slot's peak is higher: the same attempts over a hundredth of the
// time), and a C22 verdict on each policy's largest wave against 3 pods × 5M connections.
import { describe, expect, it } from "vitest";
import { designDefaults } from "../models/design.ts";
import { runExperiment } from "./experiment.ts";
import { reconnectionsPerWaveMax, rollingDeploy } from "./rolling-deploy.ts";

const base = {
  seed: 1,
  replications: 5,
  params: designDefaults,
  durationS: 10,
  warmupS: 1,
  devices: 1_000_000,
};
const calibration = { source: "design-defaults", parts: [] };

describe("rolling-deploy projection", () => {
  it("is one deterministic run, seed-independent, with a C22 verdict per policy", () => {
    const a = runExperiment(rollingDeploy, base, calibration);
    const b = runExperiment(rollingDeploy, { ...base, seed: 99 }, calibration);
    expect(a.deterministic).toBe(true);
    expect(a.replications).toBe(1);
    expect(b.metrics).toEqual(a.metrics);
    const c22 = a.metrics.filter((m) => m.target?.claims.includes("C22"));
    expect(c22).toHaveLength(3);
    for (const m of c22) {
      expect(m.halfWidth).toBeNull();
      expect(m.target!.basis).toBe("deterministic");
      // The design's 15M scales with the devices: 1e6 of 100M.
      expect(m.target!.max).toBe(reconnectionsPerWaveMax / 100);
      expect(m.target!.verdict).toBe(m.mean <= m.target!.max ? "holds" : "fails");
    }
  });

  it("counts the peak attempt rate over 1 s by default, over one slot on request", () => {
    const peak = (peakWindowS?: number) =>
      runExperiment(rollingDeploy, { ...base, peakWindowS }, calibration).metrics.find(
        (m) => m.name === "full-jitter-0.5-30s.attemptRatePeakPerS",
      )!.mean;
    expect(peak()).toBe(peak(1));
    expect(peak(0.01)).toBeGreaterThan(peak(1));
  });
});
