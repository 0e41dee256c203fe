// The WebSocket device driver: places the scenario's devices (2-3 per user, seeded) into
// holder processes of at most ~19K sockets each (the per-process file limit, read from
// `ulimit -n`), waits until all have connected (or until their progress stalls: a slow machine
// is a figure, not a crash, so the fleet then goes on with the devices it holds and says so),
// lets notifications flow for the run, then collects and merges the holders' histograms. Every holder is ended by its own handle. Given
// the stack's secret, holders sign each user's token themselves (ws-holder.ts).
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import {
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  percentilesMs,
} from "../../formats/hdr-histogram.ts";
import type { WebsocketResult } from "../../formats/results.schema.ts";
import type { Scenario } from "../scenario.ts";
import { Random } from "../operations/random.ts";
import type { DeviceAuth } from "../operations/tokens.ts";
import { freshnessParts } from "./ws-holder-parts.ts";
import type { HolderConfig, HolderMessage, HolderReport } from "./ws-holder.ts";

export interface PublishTally {
  notificationsSentCount: number;
  deliveriesExpectedCount: number;
}

export interface DevicesRunOptions {
  /** Notification endpoints (ws://.../v1/notifications); users are spread over them. */
  readonly urls: readonly string[];
  readonly websocket: NonNullable<Scenario["websocket"]>;
  readonly seed: number;
  readonly durationMs: number;
  /** The built-in hub's publisher; without it the stack's own uploads cause the pushes. */
  readonly publish?: (
    usersCount: number,
    ratePerS: number,
    durationMs: number,
    seed: number,
  ) => Promise<PublishTally>;
  readonly socketsPerHolderMax?: number;
  /** Give up connecting when no holder settled a device for this long (default 60 s). */
  readonly connectStallMs?: number;
  /** Told how far connecting got, every connectProgressEveryMs. */
  readonly onConnectProgress?: (progress: ConnectProgress) => void;
  /** The stack's token secret: each device presents its user's token on the upgrade. */
  readonly auth?: DeviceAuth;
}

const holderPath = fileURLToPath(new URL("./ws-holder.ts", import.meta.url));
const socketsPerHolderCeiling = 19_000;
const reportTimeoutMs = 15_000;
export const connectStallMsDefault = 60_000;
/** Before every holder has reported once, the stall bound is this many times longer. */
const holderStartFactor = 3;
const connectProgressEveryMs = 10_000;

export interface ConnectProgress {
  readonly devicesCount: number;
  /** Devices whose connect ended, opened or not. */
  readonly settledCount: number;
  readonly connectedCount: number;
  readonly elapsedMs: number;
}
const localAddresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

/** Sockets one holder may open: under the file limit, leaving room for the runtime's own fds. */
export function socketsPerHolder(): number {
  const limit = Number(execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim());
  return Number.isFinite(limit) ? Math.min(socketsPerHolderCeiling, limit - 500) : 1_000;
}

export function placeDevices(ws: DevicesRunOptions["websocket"], seed: number) {
  const random = new Random(seed, "devices");
  const devices: { userId: number; deviceId: number }[] = [];
  for (let userId = 0; userId < ws.connectedUsersCount; userId++) {
    const count =
      ws.devicesPerUserMin + random.int(ws.devicesPerUserMax - ws.devicesPerUserMin + 1);
    for (let deviceId = 0; deviceId < count; deviceId++) devices.push({ userId, deviceId });
  }
  return devices;
}

function awaitMessage<T extends HolderMessage["type"]>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
) {
  return new Promise<Extract<HolderMessage, { type: T }>>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new SyncbenchError(
            "WS_HOLDER_TIMEOUT",
            `WebSocket holder ${child.pid} sent no "${type}" within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const onMessage = (m: HolderMessage) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(m as Extract<HolderMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(
        new SyncbenchError("WS_HOLDER_EXITED", `WebSocket holder ${child.pid} exited with ${code}`),
      );
    });
  });
}

/** RSS growth while connecting, per held device: the generator's memory per device. */
function holderMemory(reports: readonly HolderReport[]): WebsocketResult["holderMemory"] {
  let rssBytesTotal = 0;
  let grownBytes = 0;
  let held = 0;
  for (const r of reports) {
    if (r.rssBytesConnected === null || r.rssBytesBefore === null) return null;
    rssBytesTotal += r.rssBytesConnected;
    grownBytes += r.rssBytesConnected - r.rssBytesBefore;
    held += r.connectedCount;
  }
  return { rssBytesTotal, bytesPerDevice: held === 0 ? 0 : Math.round(grownBytes / held) };
}

function merge(
  reports: readonly HolderReport[],
  devicesCount: number,
  tally: PublishTally,
): Omit<WebsocketResult, "connectPhaseMs"> {
  const connect = newHistogram();
  const freshness = newHistogram();
  const errors: Record<string, number> = {};
  const parts = new Map(freshnessParts.map((p) => [p, newHistogram()]));
  for (const r of reports) {
    connect.add(decodeHistogram(r.connectHistogramUs));
    freshness.add(decodeHistogram(r.freshnessHistogramUs));
    for (const [part, h] of parts) {
      const encoded = r.freshnessPartsHistogramUs[part];
      if (encoded) h.add(decodeHistogram(encoded));
    }
    for (const [code, n] of Object.entries(r.connectErrorsByCode))
      errors[code] = (errors[code] ?? 0) + n;
  }
  return {
    devicesCount,
    connectedCount: reports.reduce((s, r) => s + r.connectedCount, 0),
    holderProcessCount: reports.length,
    connectErrorsByCode: errors,
    connectMs: percentilesMs(connect),
    ...tally,
    deliveriesReceivedCount: reports.reduce((s, r) => s + r.receivedCount, 0),
    freshnessMs: percentilesMs(freshness),
    freshnessHistogramUs: encodeHistogram(freshness),
    // Only the real stack's notifications carry the stamps the parts are made of.
    ...([...parts.values()].some((h) => h.totalCount > 0)
      ? {
          freshnessPartsMs: Object.fromEntries(
            [...parts].map(([part, h]) => [part, percentilesMs(h)]),
          ),
        }
      : {}),
    holderMemory: holderMemory(reports),
  };
}

export interface ConnectedFleet {
  /** Lets notifications flow for the run's length. */
  publish(): Promise<PublishTally>;
  /** Stops the holders (their sockets close) and merges their histograms. */
  collect(tally: PublishTally): Promise<WebsocketResult>;
  /** Ends every holder still alive, by its own handle. */
  close(): void;
}

function forkHolders(
  o: DevicesRunOptions,
  devices: ReturnType<typeof placeDevices>,
): ChildProcess[] {
  const perHolder = o.socketsPerHolderMax ?? socketsPerHolder();
  const holders: ChildProcess[] = [];
  for (let start = 0; start < devices.length; start += perHolder) {
    const child = fork(holderPath, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    holders.push(child);
    const config: HolderConfig = {
      urls: o.urls,
      devices: devices.slice(start, start + perHolder),
      localAddresses,
      connectConcurrency: 256,
      connectTimeoutMs: 10_000,
      ...(o.auth ? { auth: o.auth } : {}),
    };
    child.send({ type: "start", config });
  }
  return holders;
}

/**
 * Resolves "connected" when every holder has settled all its devices, "stalled" when none settled
 * a device for connectStallMs (the holders keep what they hold); rejects if a holder exits.
 */
function awaitFleetConnected(
  holders: readonly ChildProcess[],
  devicesCount: number,
  o: DevicesRunOptions,
): Promise<"connected" | "stalled"> {
  const stallMs = o.connectStallMs ?? connectStallMsDefault;
  const startedAt = performance.now();
  const settled = new Map<ChildProcess, { settled: number; connected: number }>();
  const done = new Set<ChildProcess>();
  let advancedAt = startedAt;
  return new Promise((resolve, reject) => {
    const progress = (): ConnectProgress => {
      const all = [...settled.values()];
      return {
        devicesCount,
        settledCount: all.reduce((n, p) => n + p.settled, 0),
        connectedCount: all.reduce((n, p) => n + p.connected, 0),
        elapsedMs: Math.round(performance.now() - startedAt),
      };
    };
    const finish = (how: "connected" | "stalled" | Error) => {
      clearInterval(watch);
      clearInterval(tell);
      for (const h of holders) {
        h.off("message", onMessage);
        h.off("exit", onExit);
      }
      if (how instanceof Error) reject(how);
      else resolve(how);
    };
    // A holder still starting (tsx on a loaded machine: tens of seconds) has not stalled: until
    // every holder has reported once, the bound is holderStartFactor times the stall bound.
    const watch = setInterval(() => {
      const started = settled.size === holders.length;
      const boundMs = started ? stallMs : stallMs * holderStartFactor;
      if (performance.now() - advancedAt > boundMs) finish("stalled");
    }, 1_000);
    const tell = setInterval(() => o.onConnectProgress?.(progress()), connectProgressEveryMs);
    function onMessage(this: ChildProcess, m: HolderMessage) {
      if (m.type === "progress") {
        const before = settled.get(this)?.settled;
        if (before === undefined || m.settledCount > before) advancedAt = performance.now();
        settled.set(this, { settled: m.settledCount, connected: m.connectedCount });
      } else if (m.type === "connected") {
        advancedAt = performance.now();
        const last = settled.get(this)?.settled ?? m.connectedCount;
        settled.set(this, { settled: last, connected: m.connectedCount });
        done.add(this);
        if (done.size === holders.length) finish("connected");
      }
    }
    function onExit(this: ChildProcess, code: number | null) {
      const what = `WebSocket holder ${this.pid} exited with ${code} while connecting`;
      finish(new SyncbenchError("WS_HOLDER_EXITED", what));
    }
    for (const h of holders) {
      h.on("message", onMessage);
      h.once("exit", onExit);
    }
  });
}

const idle = (ms: number) =>
  new Promise<PublishTally>((resolve) =>
    setTimeout(() => resolve({ notificationsSentCount: 0, deliveriesExpectedCount: 0 }), ms),
  );

/** Forks the holders and waits until every device has connected (or failed to). */
export async function connectDevices(o: DevicesRunOptions): Promise<ConnectedFleet> {
  const devices = placeDevices(o.websocket, o.seed);
  const connectStartedAt = performance.now();
  const holders = forkHolders(o, devices);
  const close = () => {
    for (const h of holders) if (h.exitCode === null && h.signalCode === null) h.kill();
  };
  let connectStalled: boolean;
  try {
    const outcome = await awaitFleetConnected(holders, devices.length, o);
    connectStalled = outcome === "stalled";
  } catch (error) {
    close();
    throw error;
  }
  const connectPhaseMs = Math.round(performance.now() - connectStartedAt);
  const publish = async (): Promise<PublishTally> => {
    const w = o.websocket;
    return o.publish
      ? o.publish(w.connectedUsersCount, w.notificationRatePerS, o.durationMs, o.seed)
      : idle(o.durationMs);
  };
  const collect = async (tally: PublishTally) => {
    try {
      await new Promise((r) => setTimeout(r, 200)); // pushes already sent are still in flight
      const reports = await Promise.all(
        holders.map((h) => {
          const reply = awaitMessage(h, "report", reportTimeoutMs);
          h.send({ type: "stop" });
          return reply.then((m) => m.report);
        }),
      );
      return {
        ...merge(reports, devices.length, tally),
        connectPhaseMs,
        ...(connectStalled ? { connectStalled } : {}),
      };
    } finally {
      close();
    }
  };
  return { publish, collect, close };
}
