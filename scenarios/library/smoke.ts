// A few seconds of every operation at a low rate: proves the path end to end (CI smoke), with
// targets ten times looser than the design's so that only a broken path fails it.
import type { ScenarioInput } from "../scenario.ts";

export const smoke: ScenarioInput = {
  name: "smoke",
  description: "every operation at 50 req/s for 5 s, plus 50 users' devices",
  arrival: { kind: "constant-arrival-rate", ratePerS: 50, durationS: 5, spacing: "uniform" },
  warmupS: 1,
  mix: { deltaUpload: 0.3, newFileUpload: 0.1, download: 0.5, listFolder: 0.1 },
  users: { count: 100, zipfSkew: 0.99 },
  deltaUpload: { editBytesMin: 100, editBytesMax: 100 },
  newFileUpload: { size: { kind: "fixed", bytes: 64 * 1024 }, sizeBytesMax: 64 * 1024 },
  download: { blocksCount: 100, zipfSkew: 0.99, sharedFraction: 0.5 },
  listFolder: { pageSize: 100 },
  websocket: {
    devicesPerUserMin: 2,
    devicesPerUserMax: 3,
    connectedUsersCount: 50,
    notificationRatePerS: 20,
  },
  seed: 1,
  targets: {
    "deltaUpload.latencyMsP99": {
      max: 1_000,
      claims: ["C09"],
      figure: "10x the delta upload p99 < 0.1 s",
    },
    "download.latencyMsP99": {
      max: 500,
      claims: ["C12"],
      figure: "10x the CDN download p99 < 50 ms",
    },
    "notification.freshnessMsP99": {
      max: 20_000,
      claims: ["C11"],
      figure: "10x the sync p99 < 2 s",
    },
  },
};
