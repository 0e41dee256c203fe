// A WebSocket holder process (forked by ws-devices.ts): holds up to ~19K device sockets,
// spreading their source addresses over 127.0.0.x so no (source, destination) pair runs out of
// ephemeral ports, and records connect time and notification freshness (receipt minus the
// event's monotonic publish stamp) in HDR histograms. Talks to its parent over IPC only.
import WebSocket from "ws";
import { encodeHistogram, newHistogram, recordMs } from "../measure/histograms.ts";
import { errorCode } from "./http-exchange.ts";

export interface HolderConfig {
  /** Hub URLs; a user's devices all go to urls[userId % urls.length], as a registry routes. */
  readonly urls: readonly string[];
  readonly devices: readonly { readonly userId: number; readonly deviceId: number }[];
  readonly localAddresses: readonly string[];
  readonly connectConcurrency: number;
  readonly connectTimeoutMs: number;
}

export interface HolderReport {
  readonly connectedCount: number;
  readonly connectErrorsByCode: Record<string, number>;
  readonly connectHistogramUs: string;
  readonly freshnessHistogramUs: string;
  readonly receivedCount: number;
  /** Resident memory before connecting and once all devices held (null if unreadable). */
  readonly rssBytesBefore: number | null;
  readonly rssBytesConnected: number | null;
}

export type HolderMessage =
  { type: "connected"; connectedCount: number } | { type: "report"; report: HolderReport };

const sockets: WebSocket[] = [];
const connectHistogram = newHistogram();
const freshnessHistogram = newHistogram();
const connectErrors = new Map<string, number>();
let receivedCount = 0;
let rssBytesBefore: number | null = null;
let rssBytesConnected: number | null = null;

/** RSS reads /proc/self/stat: near the file limit that open fails with EMFILE (the notes). */
function rssBytes(): number | null {
  try {
    return process.memoryUsage.rss();
  } catch (error) {
    if ((error as { code?: string }).code === "EMFILE") return null;
    throw error;
  }
}

function onMessage(data: WebSocket.RawData): void {
  const receivedNs = process.hrtime.bigint();
  const event = JSON.parse(data.toString()) as { publishedAtNs?: string };
  if (typeof event.publishedAtNs !== "string") return;
  receivedCount++;
  recordMs(freshnessHistogram, Number(receivedNs - BigInt(event.publishedAtNs)) / 1e6);
}

function connectOne(config: HolderConfig, index: number): Promise<void> {
  const device = config.devices[index]!;
  const hubUrl = config.urls[device.userId % config.urls.length]!;
  const url = `${hubUrl}?user=${device.userId}&device=${device.deviceId}`;
  const localAddress = config.localAddresses[index % config.localAddresses.length]!;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      localAddress,
      perMessageDeflate: false,
      handshakeTimeout: config.connectTimeoutMs,
    });
    ws.once("open", () => {
      recordMs(connectHistogram, performance.now() - startedAt);
      sockets.push(ws);
      ws.on("message", onMessage);
      resolve();
    });
    ws.once("error", (error) => {
      const code = errorCode(error);
      connectErrors.set(code, (connectErrors.get(code) ?? 0) + 1);
      resolve();
    });
  });
}

async function connectAll(config: HolderConfig): Promise<void> {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < config.devices.length) await connectOne(config, nextIndex++);
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
    receivedCount,
    rssBytesBefore,
    rssBytesConnected,
  };
}

process.on("message", (message: { type: string; config?: HolderConfig }) => {
  if (message.type === "start" && message.config) {
    rssBytesBefore = rssBytes();
    void connectAll(message.config).then(() => {
      rssBytesConnected = rssBytes();
      process.send!({ type: "connected", connectedCount: sockets.length } satisfies HolderMessage);
    });
  } else if (message.type === "stop") {
    const final = report();
    for (const ws of sockets) ws.terminate();
    process.send!({ type: "report", report: final } satisfies HolderMessage, () => process.exit(0));
  }
});
