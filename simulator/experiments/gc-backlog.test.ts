// gc-backlog's projection with a sweep rate given (as `npm run bench:gc` measures it): the rate
// says where it came from, a rate below the orphan peak leaves a backlog and a full-hour sweep, a
// rate above it clears every sweep, and the orphaned share of C29's storage is judged on C28.
import { describe, expect, it } from "vitest";
import { designDefaults } from "../models/design.ts";
import { gcBacklog } from "./component-experiments.ts";
import { runExperiment } from "./experiment.ts";

const base = {
  seed: 7,
  replications: 2,
  params: designDefaults,
  durationS: 10,
  warmupS: 1,
  devices: 1_000_000,
};
const calibration = { source: "design-defaults", parts: [] };
const metric = (p: ReturnType<typeof runExperiment>, name: string) =>
  p.metrics.find((m) => m.name === name);

describe("gc-backlog projection", () => {
  it("uses a measured sweep rate and says so; too slow a sweep leaves a backlog", () => {
    const slow = runExperiment(gcBacklog, { ...base, gcDeletesPerWorkerPerS: 10 }, calibration);
    const fast = runExperiment(gcBacklog, { ...base, gcDeletesPerWorkerPerS: 5000 }, calibration);
    expect(slow.tables.assumptions?.[0]).toMatchObject({
      deletesPerWorkerPerS: 10,
      deletesPerWorkerPerSSource: expect.stringMatching(/^measured/),
    });
    expect(metric(slow, "gc.eligibleBacklogMax")?.mean).toBeGreaterThan(0);
    expect(metric(slow, "gc.sweepDurationMaxS")?.mean).toBe(3600); // sweeping the whole hour
    expect(metric(fast, "gc.eligibleBacklogMax")?.mean).toBe(0);
    const share = metric(fast, "gc.orphanShareOfStorage");
    expect(share?.target).toMatchObject({ max: 0.001, claims: ["C28"] });
    expect(share?.mean).toBeGreaterThan(0);
    const assumed = runExperiment(gcBacklog, base, calibration);
    expect(assumed.tables.assumptions?.[0]?.deletesPerWorkerPerSSource).toMatch(/^ASSUMED/);
  });
});
