// WebSocket devices against the real stack's gateway, each presenting its user's token: the
// probe's upgrade carries user 0's token (so an authenticating NotificationService answers 101,
// not 401), and the holders sign every device's token from the secret (ws-holder.ts). The
// built-in target keeps open-target.ts's runner: its hubs run without a secret, as its HTTP
// routes do.
import { connectDevices, type ConnectedFleet } from "../websocket/ws-devices.ts";
import { probeWebsocket } from "../websocket/ws-probe.ts";
import { deviceTokenSigner, type DeviceAuth } from "../operations/tokens.ts";
import { arrivalDurationS, type Scenario } from "../scenario.ts";

export type DevicesRunner = (
  scenario: Scenario,
) => Promise<ConnectedFleet | { unavailable: string }>;

export function stackDevicesRunner(baseUrl: string, auth: DeviceAuth): DevicesRunner {
  const url = `${baseUrl.replace(/^http/, "ws")}/v1/notifications`;
  return async (scenario) => {
    const availability = await probeWebsocket(url, deviceTokenSigner(auth)(0));
    if (!availability.available) return { unavailable: availability.reason };
    return connectDevices({
      urls: [url],
      websocket: scenario.websocket!,
      seed: scenario.seed,
      // Pushes flow for the whole run, as uploads do; freshness includes the warm-up.
      durationMs: Math.max(1_000, arrivalDurationS(scenario.arrival) * 1000),
      auth,
    });
  };
}
