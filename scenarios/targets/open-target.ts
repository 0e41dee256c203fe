// Resolves `--target`: "builtin" starts the built-in test target (HTTP routes with fixed
// service times plus the notification hub) in this process; a URL must point into 127.0.0.0/8
// (every load of syncbench stays on loopback). Returns what the run needs and how to close it.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { connectDevices, type ConnectedFleet } from "../websocket/ws-devices.ts";
import { probeWebsocket } from "../websocket/ws-probe.ts";
import { arrivalDurationS, type Scenario } from "../scenario.ts";
import { startBuiltinProcess, type BuiltinProcess } from "./builtin-process.ts";
import { hubConnectionsMax } from "./ws-hub.ts";

export interface OpenedTarget {
  readonly baseUrl: string;
  readonly label: string;
  readonly connectDevices?: (
    scenario: Scenario,
  ) => Promise<ConnectedFleet | { unavailable: string }>;
  close(): Promise<void>;
}

export function assertLoopback(url: URL): void {
  const host = url.hostname;
  const loopback = host === "localhost" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback || !["http:", "https:"].includes(url.protocol)) {
    throw new SyncbenchError(
      "CLI_TARGET_NOT_LOOPBACK",
      `target ${url.href} is not an http URL on 127.0.0.0/8`,
      {
        hint: "syncbench sends load to loopback addresses only",
      },
    );
  }
}

type Publish = BuiltinProcess["publishFor"];

/** One seeded event sequence published by every hub to the users it holds; deliveries add up. */
function publishOnAll(hubs: readonly BuiltinProcess[]): Publish {
  return async (usersCount, ratePerS, durationMs, seed) => {
    const tallies = await Promise.all(
      hubs.map((h) => h.publishFor(usersCount, ratePerS, durationMs, seed)),
    );
    return {
      notificationsSentCount: tallies[0]?.notificationsSentCount ?? 0,
      deliveriesExpectedCount: tallies.reduce((sum, t) => sum + t.deliveriesExpectedCount, 0),
    };
  };
}

function devicesRunner(httpUrls: readonly string[], publish?: Publish) {
  const urls = httpUrls.map((u) => `${u.replace(/^http/, "ws")}/v1/notifications`);
  return async (scenario: Scenario): Promise<ConnectedFleet | { unavailable: string }> => {
    const ws = scenario.websocket!;
    const devicesMax = ws.connectedUsersCount * ws.devicesPerUserMax;
    if (publish && devicesMax > hubConnectionsMax * urls.length) {
      throw new SyncbenchError(
        "SCENARIO_TOO_LARGE_FOR_BUILTIN",
        `${urls.length} built-in hub(s) hold at most ${hubConnectionsMax * urls.length} sockets; ` +
          `${scenario.name} may open ${devicesMax}`,
      );
    }
    // Pushes flow for the whole run, as uploads do; freshness includes the warm-up.
    const publishDurationMs = Math.max(1_000, arrivalDurationS(scenario.arrival) * 1000);
    if (!publish) {
      const availability = await probeWebsocket(urls[0]!);
      if (!availability.available) return { unavailable: availability.reason };
    }
    return connectDevices({
      urls,
      websocket: ws,
      seed: scenario.seed,
      durationMs: publishDurationMs,
      ...(publish ? { publish } : {}),
    });
  };
}

/** Built-in processes needed to hold `devicesMax` sockets (one file limit each). */
export function builtinProcessCount(devicesMax: number): number {
  return Math.max(1, Math.ceil(devicesMax / hubConnectionsMax));
}

export interface TargetOptions {
  readonly websocket: boolean;
  /** The most WebSocket devices the scenario may open (sizes the built-in hubs). */
  readonly devicesMax: number;
}

export async function openTarget(spec: string, options: TargetOptions): Promise<OpenedTarget> {
  if (spec === "builtin") {
    const count = options.websocket ? builtinProcessCount(options.devicesMax) : 1;
    const hubs = await Promise.all(Array.from({ length: count }, () => startBuiltinProcess()));
    const first = hubs[0]!;
    const pids = hubs.map((h) => h.pid).join(", ");
    const urls = hubs.map((h) => h.url);
    return {
      baseUrl: first.url,
      label: `builtin (${first.url}, pid ${pids}, fixed service times)`,
      ...(options.websocket ? { connectDevices: devicesRunner(urls, publishOnAll(hubs)) } : {}),
      close: async () => {
        await Promise.all(hubs.map((h) => h.close()));
      },
    };
  }
  let url: URL;
  try {
    url = new URL(spec);
  } catch (error) {
    throw new SyncbenchError(
      "CLI_TARGET_INVALID",
      `--target "${spec}" is neither a URL nor "builtin"`,
      { cause: error },
    );
  }
  assertLoopback(url);
  const baseUrl = url.origin;
  return {
    baseUrl,
    label: baseUrl,
    ...(options.websocket ? { connectDevices: devicesRunner([baseUrl]) } : {}),
    close: async () => {},
  };
}
