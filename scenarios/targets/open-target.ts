// Resolves `--target`: "builtin" starts the built-in test target (HTTP routes with fixed
// service times plus the notification hub) in this process; a URL must point into 127.0.0.0/8
// (every load of syncbench stays on loopback). Returns what the run needs and how to close it.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { connectDevices, type ConnectedFleet } from "../drivers/ws-devices.ts";
import { arrivalDurationS, type Scenario } from "../scenario.ts";
import { startBuiltinProcess, type BuiltinProcess } from "./builtin-process.ts";
import { hubConnectionsMax } from "./ws-hub.ts";

export interface OpenedTarget {
  readonly baseUrl: string;
  readonly label: string;
  readonly connectDevices?: (scenario: Scenario) => Promise<ConnectedFleet>;
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

function devicesRunner(httpUrl: string, hub?: Pick<BuiltinProcess, "publishFor">) {
  const wsUrl = `${httpUrl.replace(/^http/, "ws")}/v1/notifications`;
  return (scenario: Scenario) => {
    const ws = scenario.websocket!;
    if (hub && ws.connectedUsersCount * ws.devicesPerUserMax > hubConnectionsMax) {
      throw new SyncbenchError(
        "SCENARIO_TOO_LARGE_FOR_BUILTIN",
        `the built-in hub holds at most ${hubConnectionsMax} sockets; ${scenario.name} may open ` +
          `${ws.connectedUsersCount * ws.devicesPerUserMax}`,
        { hint: "lower the population with --scale" },
      );
    }
    const publishDurationMs = Math.max(
      1_000,
      (arrivalDurationS(scenario.arrival) - scenario.warmupS) * 1000,
    );
    return connectDevices({
      url: wsUrl,
      websocket: ws,
      seed: scenario.seed,
      durationMs: publishDurationMs,
      ...(hub ? { publish: hub.publishFor } : {}),
    });
  };
}

export async function openTarget(
  spec: string,
  options: { websocket: boolean },
): Promise<OpenedTarget> {
  if (spec === "builtin") {
    const target = await startBuiltinProcess();
    return {
      baseUrl: target.url,
      label: `builtin (${target.url}, pid ${target.pid}, fixed service times)`,
      ...(options.websocket ? { connectDevices: devicesRunner(target.url, target) } : {}),
      close: () => target.close(),
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
    ...(options.websocket ? { connectDevices: devicesRunner(baseUrl) } : {}),
    close: async () => {},
  };
}
