// A few popular shared blocks downloaded by many users (a steep Zipf popularity): the CDN's
// case, judged on C12's download p99; C13's hit rate is read from the CDN's headers later.
import type { ScenarioInput } from "../scenario.ts";
import { designTarget } from "./design-targets.ts";

export const hotDownloads: ScenarioInput = {
  name: "hot-downloads",
  description: "block downloads with steep popularity over mostly shared content",
  arrival: { kind: "constant-arrival-rate", ratePerS: 3_000, durationS: 30, spacing: "poisson" },
  warmupS: 5,
  mix: { download: 1 },
  users: { count: 100_000, zipfSkew: 0.99 },
  download: { blocksCount: 10_000, zipfSkew: 1.1, sharedFraction: 0.9 },
  seed: 3_000,
  targets: {
    "download.latencyMsP99": designTarget("download.latencyMsP99"),
    "download.errorRate": { max: 0.001, claims: ["C12"], figure: "downloads succeed" },
  },
};
