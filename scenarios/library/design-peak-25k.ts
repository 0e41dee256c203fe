// The design's peak: 25K RPS of uploads and downloads, downloads outnumbering uploads 3:1
// (C15), every upload notifying the user's 2-3 connected devices (C23). Targets are the
// design's latency figures (C09, C10, C11, C12, C25) and C14's "served" (no drops, no errors).
import type { ScenarioInput } from "../scenario.ts";

export const designPeak25k: ScenarioInput = {
  name: "design-peak-25k",
  description: "the design's 25K RPS peak: delta and new-file uploads, 3x as many downloads, push",
  arrival: { kind: "constant-arrival-rate", ratePerS: 25_000, durationS: 60, spacing: "poisson" },
  warmupS: 10,
  // Uploads 0.24, downloads 0.72: the 3:1 ratio of C15; listings fill the rest.
  mix: { deltaUpload: 0.2, newFileUpload: 0.04, download: 0.72, listFolder: 0.04 },
  users: { count: 1_000_000, zipfSkew: 0.99 },
  deltaUpload: { editBytesMin: 20, editBytesMax: 2_000, deltaBytesPerEditByte: 2 },
  newFileUpload: {
    size: { kind: "lognormal", medianBytes: 256 * 1024, sigma: 1.5 },
    sizeBytesMax: 16 * 1024 * 1024,
  },
  download: { blocksCount: 100_000, zipfSkew: 0.99, sharedFraction: 0.6 },
  listFolder: { pageSize: 1_000 },
  // 25K x 0.24 = 6,000 uploads/s, each one file_changed event pushed to 2-3 devices.
  websocket: {
    devicesPerUserMin: 2,
    devicesPerUserMax: 3,
    connectedUsersCount: 10_000,
    notificationRatePerS: 6_000,
  },
  seed: 25_000,
  targets: {
    "deltaUpload.latencyMsP99": {
      max: 100,
      claims: ["C09", "C34"],
      figure: "delta upload p99 < 0.1 s",
    },
    "download.latencyMsP99": { max: 50, claims: ["C12"], figure: "CDN download p99 < 50 ms" },
    "listFolder.latencyMsP50": { max: 30, claims: ["C25"], figure: "a 1,000-row page in ~30 ms" },
    "notification.freshnessMsP50": { max: 200, claims: ["C10"], figure: "push within ~200 ms" },
    "notification.freshnessMsP99": { max: 2_000, claims: ["C11", "C36"], figure: "sync p99 < 2 s" },
    "deltaUpload.errorRate": { max: 0.001, claims: ["C14"], figure: "25K RPS peak is served" },
    "download.errorRate": { max: 0.001, claims: ["C14"], figure: "25K RPS peak is served" },
    "run.droppedCount": { max: 0, claims: ["C14"], figure: "25K RPS peak is served" },
  },
};
