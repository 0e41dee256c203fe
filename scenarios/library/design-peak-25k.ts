// The design's peak: 25K RPS of uploads and downloads, downloads outnumbering uploads 3:1
// (C15), every upload notifying the user's 2-3 connected devices (C23). Targets are the
// design's latency figures (C09, C10, C11, C12, C25) and C14's "served" (no drops, no errors).
import * as figures from "../../reference-impl/core/design-figures.ts";
import type { ScenarioInput } from "../scenario.ts";
import { designTarget } from "./design-targets.ts";

export const designPeak25k: ScenarioInput = {
  name: "design-peak-25k",
  description: "the design's 25K RPS peak: delta and new-file uploads, 3x as many downloads, push",
  arrival: {
    kind: "constant-arrival-rate",
    ratePerS: figures.peakRatePerS,
    durationS: 60,
    spacing: "poisson",
  },
  warmupS: 10,
  // Uploads 0.24, downloads 0.72: the 3:1 ratio of C15; listings fill the rest.
  mix: { ...figures.peakMix },
  users: { count: 1_000_000, zipfSkew: 0.99 },
  deltaUpload: { editBytesMin: 20, editBytesMax: 2_000, deltaBytesPerEditByte: 2 },
  newFileUpload: {
    size: { kind: "lognormal", medianBytes: 256 * 1024, sigma: 1.5 },
    sizeBytesMax: 16 * 1024 * 1024,
  },
  // Shared content at C13's 60 %: the share of downloads the CDN's hit rate is claimed for.
  download: { blocksCount: 100_000, zipfSkew: 0.99, sharedFraction: figures.cdnHitRateMin },
  listFolder: { pageSize: 1_000 },
  // 25K x 0.24 = 6,000 uploads/s, each one file_changed event pushed to 2-3 devices.
  websocket: {
    devicesPerUserMin: figures.devicesPerUserMin,
    devicesPerUserMax: figures.devicesPerUserMax,
    connectedUsersCount: 10_000,
    notificationRatePerS: figures.peakUploadRatePerS,
  },
  seed: 25_000,
  targets: {
    "deltaUpload.latencyMsP99": designTarget("deltaUpload.latencyMsP99"),
    "download.latencyMsP99": designTarget("download.latencyMsP99"),
    "listFolder.latencyMsP50": designTarget("listFolder.latencyMsP50"),
    "notification.freshnessMsP50": designTarget("notification.freshnessMsP50"),
    "notification.freshnessMsP99": designTarget("notification.freshnessMsP99"),
    "deltaUpload.errorRate": { max: 0.001, claims: ["C14"], figure: "25K RPS peak is served" },
    "download.errorRate": { max: 0.001, claims: ["C14"], figure: "25K RPS peak is served" },
    "run.droppedCount": { max: 0, claims: ["C14"], figure: "25K RPS peak is served" },
  },
};
