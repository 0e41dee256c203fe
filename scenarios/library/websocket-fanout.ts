// Many connected devices (2-3 per user, C23) and the pushes that a modest upload rate causes:
// judged on notification freshness: C10's ~200 ms as a p99 bound (not a median), C11's p99 < 2 s.
// ~50K sockets need 3 holders. Edits are C01's (the size matters little here).
import { devicesPerUserMax, devicesPerUserMin } from "../../reference-impl/core/design-figures.ts";
import type { ScenarioInput } from "../scenario.ts";
import { deltaSizeModel } from "./delta-size-models.ts";
import { designTarget, pushTargetP99 } from "./design-targets.ts";

export const websocketFanout: ScenarioInput = {
  name: "websocket-fanout",
  description: "20K users with 2-3 connected devices each, receiving file_changed pushes",
  arrival: { kind: "constant-arrival-rate", ratePerS: 50, durationS: 60, spacing: "poisson" },
  warmupS: 10,
  mix: { deltaUpload: 1 },
  users: { count: 20_000, zipfSkew: 0.5 },
  deltaUpload: deltaSizeModel("c01-small-edit"),
  websocket: {
    devicesPerUserMin,
    devicesPerUserMax,
    connectedUsersCount: 20_000,
    notificationRatePerS: 500,
  },
  seed: 2_023,
  targets: {
    "notification.pushMsP99": pushTargetP99(),
    "notification.freshnessMsP99": designTarget("notification.freshnessMsP99"),
  },
};
