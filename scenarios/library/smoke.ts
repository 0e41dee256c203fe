// Every operation at a low rate: proves the path end to end (CI smoke), with targets ten times
// looser than the design's so that only a broken path fails it. 75 s, because the gate judges a
// p99 only from 1,000 samples or more (reports/gate/README.md): at 50 req/s, 74 s after the
// warm-up gives 1,110 delta uploads (the rarest gated operation) and 1,850 downloads; a
// 5-second run is refused by the gate as "not enough samples", as it should be.
import { devicesPerUserMax, devicesPerUserMin } from "../../reference-impl/core/design-figures.ts";
import type { ScenarioInput } from "../scenario.ts";
import { deltaSizeModel } from "./delta-size-models.ts";
import { designTarget } from "./design-targets.ts";

export const smoke: ScenarioInput = {
  name: "smoke",
  description: "every operation at 50 req/s for 75 s, plus 50 users' devices",
  arrival: { kind: "constant-arrival-rate", ratePerS: 50, durationS: 75, spacing: "uniform" },
  warmupS: 1,
  mix: { deltaUpload: 0.3, newFileUpload: 0.1, download: 0.5, listFolder: 0.1 },
  users: { count: 100, zipfSkew: 0.99 },
  deltaUpload: deltaSizeModel("c01-small-edit"), // C01's 100-byte edit
  newFileUpload: { size: { kind: "fixed", bytes: 64 * 1024 }, sizeBytesMax: 64 * 1024 },
  download: { blocksCount: 100, zipfSkew: 0.99, sharedFraction: 0.5 },
  listFolder: { pageSize: 100 },
  websocket: {
    devicesPerUserMin,
    devicesPerUserMax,
    connectedUsersCount: 50,
    notificationRatePerS: 20,
  },
  seed: 1,
  targets: {
    "deltaUpload.latencyMsP99": designTarget("deltaUpload.latencyMsP99", 10),
    "download.latencyMsP99": designTarget("download.latencyMsP99", 10),
    "notification.freshnessMsP99": designTarget("notification.freshnessMsP99", 10),
  },
};
