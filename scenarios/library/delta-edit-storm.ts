// Many small edits at once: every request is a delta upload of a ~100-byte edit (C01's case),
// judged on the delta upload p99 of C09 (the V2 row of C34's comparison). deltaEditStormC08 is
// the same load with C08's deltas of 1-10 % of a block, at a tenth of the rate (its deltas are
// 400-4,000x larger).
import type { ScenarioInput } from "../scenario.ts";
import { deltaSizeModel } from "./delta-size-models.ts";
import { designTarget } from "./design-targets.ts";

export const deltaEditStorm: ScenarioInput = {
  name: "delta-edit-storm",
  description: "small edits to existing files: only delta uploads, 100-byte edits",
  arrival: { kind: "constant-arrival-rate", ratePerS: 2_000, durationS: 30, spacing: "poisson" },
  warmupS: 5,
  mix: { deltaUpload: 1 },
  users: { count: 100_000, zipfSkew: 0.99 },
  // C01: a 100-byte edit in a 4 MB block, a delta of ~200 B.
  deltaUpload: deltaSizeModel("c01-small-edit"),
  seed: 100,
  targets: {
    "deltaUpload.latencyMsP99": designTarget("deltaUpload.latencyMsP99"),
    "deltaUpload.errorRate": { max: 0.001, claims: ["C09"], figure: "delta uploads succeed" },
    "run.droppedCount": { max: 0, claims: ["C09"], figure: "every upload was sent on time" },
  },
};

export const deltaEditStormC08: ScenarioInput = {
  ...deltaEditStorm,
  name: "delta-edit-storm-c08",
  description: "small edits to existing files with C08's deltas of 1-10 % of a block",
  arrival: { kind: "constant-arrival-rate", ratePerS: 200, durationS: 30, spacing: "poisson" },
  // C08: deltas are typically 1-10 % of the full block (41,944-419,430 B edits of fresh bytes).
  deltaUpload: deltaSizeModel("c08-block-fraction"),
  seed: 108,
};
