// Many connected devices (2-3 per user, C23) and the pushes that a modest upload rate causes:
// judged on notification freshness (C10 ~200 ms, C11 p99 < 2 s). ~50K sockets need 3 holders.
import { devicesPerUserMax, devicesPerUserMin } from "../../reference-impl/core/design-figures.ts";
import type { ScenarioInput } from "../scenario.ts";
import { designTarget } from "./design-targets.ts";

export const websocketFanout: ScenarioInput = {
  name: "websocket-fanout",
  description: "20K users with 2-3 connected devices each, receiving file_changed pushes",
  arrival: { kind: "constant-arrival-rate", ratePerS: 50, durationS: 60, spacing: "poisson" },
  warmupS: 10,
  mix: { deltaUpload: 1 },
  users: { count: 20_000, zipfSkew: 0.5 },
  deltaUpload: { editBytesMin: 100, editBytesMax: 1_000 },
  websocket: {
    devicesPerUserMin,
    devicesPerUserMax,
    connectedUsersCount: 20_000,
    notificationRatePerS: 500,
  },
  seed: 2_023,
  targets: {
    "notification.freshnessMsP50": designTarget("notification.freshnessMsP50"),
    "notification.freshnessMsP99": designTarget("notification.freshnessMsP99"),
  },
};
