// A WebSocket holder process (forked by ws-devices.ts): holds up to ~19K device sockets,
// spreading their source addresses over 127.0.0.x so no (source, destination) pair runs out of
// ephemeral ports, and records connect time and notification freshness (receipt minus the
// event's monotonic publish stamp; on the real stack, receipt minus the commit's stamp, split by
// the stamps the NotificationService adds) in HDR histograms. Talks to its parent over IPC only.
// Given the stack's secret, each device presents its user's token in the upgrade request's
// Authorization header (signed per user on connect, kept by no socket: ws keeps the URL of
// every socket, so a ?token= query would cost its bytes per device and land in access logs).
// A refused upgrade counts as a connect error under HTTP_<status>. While connecting it sends a
// "progress" message every progressIntervalMs (devices settled so far), so that its parent gives
// up only when progress stalls, not after a fixed time that a slow machine would overrun.
import WebSocket from "ws";
import { encodeHistogram, newHistogram, recordMs } from "../../formats/hdr-histogram.ts";
import { errorCode } from "../http1/http-exchange.ts";
import { deviceTokenSigner, type DeviceAuth } from "../operations/tokens.ts";
import type { TokenFor } from "../operations/operations.ts";
import { freshnessParts } from "./ws-holder-parts.ts";

export interface HolderConfig {
  /** Hub URLs; a user's devices all go to urls[userId % urls.length], as a registry routes. */
  readonly urls: readonly string[];
  readonly devices: readonly { readonly userId: number; readonly deviceId: number }[];
  readonly localAddresses: readonly string[];
  readonly connectConcurrency: number;
  readonly connectTimeoutMs: number;
  /** Sign each device's user token with this; absent: devices send no credential. */
  readonly auth?: DeviceAuth;
}

export interface HolderReport {
  readonly connectedCount: number;
  readonly connectErrorsByCode: Record<string, number>;
  readonly connectHistogramUs: string;
  readonly freshnessHistogramUs: string;
  /** Real stack: commit -> device split into parts (part -> encoded histogram). */
  readonly freshnessPartsHistogramUs: Record<string, string>;
  readonly receivedCount: number;
  /** Resident memory before connecting and once all devices held (null if unreadable). */
  readonly rssBytesBefore: number | null;
  readonly rssBytesConnected: number | null;
}

export type HolderMessage =
  | { type: "connected"; connectedCount: number }
  | { type: "progress"; connectedCount: number; settledCount: number }
  | { type: "report"; report: HolderReport };

/** How often a connecting holder tells its parent how far it got. */
export const progressIntervalMs = 1_000;

const sockets: WebSocket[] = [];
const connectHistogram = newHistogram();
const freshnessHistogram = newHistogram();
const connectErrors = new Map<string, number>();
let receivedCount = 0;
/** Devices whose connect ended (opened, refused or failed). */
let settledCount = 0;
let rssBytesBefore: number | null = null;
let rssBytesConnected: number | null = null;
let tokenFor: TokenFor | undefined;

function countError(code: string): void {
  connectErrors.set(code, (connectErrors.get(code) ?? 0) + 1);
}

/** RSS reads /proc/self/stat: near the file limit that open fails with EMFILE (the notes). */
function rssBytes(): number | null {
  try {
    return process.memoryUsage.rss();
  } catch (error) {
    if ((error as { code?: string }).code === "EMFILE") return null;
    throw error;
  }
}

const partHistograms = new Map(freshnessParts.map((p) => [p, newHistogram()]));

interface StackMessage {
  type?: string;
  event?: { timestampMs?: number };
  trace?: { publishedAtMs?: number; consumedAtMs?: number; pushedAtMs?: number };
}

/** A real NotificationService message: commit -> receipt, and its parts when stamped. */
function recordStackEvent(message: StackMessage, receivedMs: number): void {
  const committedMs = message.event?.timestampMs;
  if (message.type !== "event" || typeof committedMs !== "number") return;
  receivedCount++;
  recordMs(freshnessHistogram, Math.max(0, receivedMs - committedMs));
  const t = message.trace;
  if (!t?.publishedAtMs || !t.consumedAtMs || !t.pushedAtMs) return; // a replay: no stamps
  const stamps = [committedMs, t.publishedAtMs, t.consumedAtMs, t.pushedAtMs, receivedMs];
  freshnessParts.forEach((part, i) =>
    recordMs(partHistograms.get(part)!, Math.max(0, stamps[i + 1]! - stamps[i]!)),
  );
}

function onMessage(data: WebSocket.RawData): void {
  const receivedNs = process.hrtime.bigint();
  const message = JSON.parse(data.toString()) as { publishedAtNs?: string } & StackMessage;
  if (typeof message.publishedAtNs !== "string") return recordStackEvent(message, Date.now());
  receivedCount++;
  recordMs(freshnessHistogram, Number(receivedNs - BigInt(message.publishedAtNs)) / 1e6);
}

function connectOne(config: HolderConfig, index: number): Promise<void> {
  const device = config.devices[index]!;
  const hubUrl = config.urls[device.userId % config.urls.length]!;
  const url = `${hubUrl}?user=${device.userId}&device=${device.deviceId}`;
  const localAddress = config.localAddresses[index % config.localAddresses.length]!;
  const startedAt = performance.now();
  const headers = tokenFor ? { authorization: `Bearer ${tokenFor(device.userId)}` } : undefined;
  return new Promise((resolve) => {
    let opened = false;
    let refused = false;
    const ws = new WebSocket(url, {
      localAddress,
      perMessageDeflate: false,
      handshakeTimeout: config.connectTimeoutMs,
      ...(headers ? { headers } : {}),
    });
    ws.once("open", () => {
      opened = true;
      recordMs(connectHistogram, performance.now() - startedAt);
      sockets.push(ws);
      ws.on("message", onMessage);
      resolve();
    });
    // A refused upgrade (401 without a valid token): counted by its status, not as "Error";
    // terminate() then emits an abort error, which must not count a second time.
    ws.once("unexpected-response", (_request, response) => {
      refused = true;
      countError(`HTTP_${response.statusCode ?? 0}`);
      response.resume();
      ws.terminate();
      resolve();
    });
    ws.on("error", (error) => {
      if (refused) return;
      // After the open, an error closes a held socket: visible under its own prefix.
      countError(opened ? `OPEN_${errorCode(error)}` : errorCode(error));
      resolve();
    });
  });
}

async function connectAll(config: HolderConfig): Promise<void> {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < config.devices.length) {
      await connectOne(config, nextIndex++);
      settledCount++;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(config.connectConcurrency, config.devices.length) }, worker),
  );
}

function report(): HolderReport {
  return {
    connectedCount: sockets.length,
    connectErrorsByCode: Object.fromEntries(connectErrors),
    connectHistogramUs: encodeHistogram(connectHistogram),
    freshnessHistogramUs: encodeHistogram(freshnessHistogram),
    freshnessPartsHistogramUs: Object.fromEntries(
      [...partHistograms].map(([part, h]) => [part, encodeHistogram(h)]),
    ),
    receivedCount,
    rssBytesBefore,
    rssBytesConnected,
  };
}

process.on("message", (message: { type: string; config?: HolderConfig }) => {
  if (message.type === "start" && message.config) {
    if (message.config.auth) tokenFor = deviceTokenSigner(message.config.auth);
    rssBytesBefore = rssBytes();
    const progress = setInterval(() => {
      const m = { type: "progress", connectedCount: sockets.length, settledCount } as const;
      process.send!(m satisfies HolderMessage);
    }, progressIntervalMs);
    void connectAll(message.config).then(() => {
      clearInterval(progress);
      rssBytesConnected = rssBytes();
      process.send!({ type: "connected", connectedCount: sockets.length } satisfies HolderMessage);
    });
  } else if (message.type === "stop") {
    // Stopped while still connecting (its parent saw progress stall): memory as it stands.
    if (rssBytesConnected === null && rssBytesBefore !== null) rssBytesConnected = rssBytes();
    const final = report();
    for (const ws of sockets) ws.terminate();
    process.send!({ type: "report", report: final } satisfies HolderMessage, () => process.exit(0));
  }
});
