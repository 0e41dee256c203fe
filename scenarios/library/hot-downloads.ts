// A few popular shared blocks downloaded by many users (a steep Zipf popularity): the CDN's
// case, judged on C12's download p99 and on C13's hit rate for shared content, an outcome
// measured at the edge (download.sharedMissRate); the share of shared content is an input.
import type { ScenarioInput } from "../scenario.ts";
import { designTarget, sharedMissRateTarget } from "./design-targets.ts";

export const hotDownloads: ScenarioInput = {
  name: "hot-downloads",
  description: "block downloads with steep popularity over mostly shared content",
  arrival: { kind: "constant-arrival-rate", ratePerS: 3_000, durationS: 30, spacing: "poisson" },
  warmupS: 5,
  mix: { download: 1 },
  users: { count: 100_000, zipfSkew: 0.99 },
  // C13's input, not its outcome: 90 % of downloads are of shared content (ASSUMED, the case
  // the design's "company documents, open-source project assets" describe).
  download: { blocksCount: 10_000, zipfSkew: 1.1, sharedFraction: 0.9 },
  seed: 3_000,
  targets: {
    "download.latencyMsP99": designTarget("download.latencyMsP99"),
    "download.errorRate": { max: 0.001, claims: ["C12"], figure: "downloads succeed" },
    "download.sharedMissRate": sharedMissRateTarget(),
  },
};
