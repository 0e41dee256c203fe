// How a device hears of other devices' changes: the notification WebSocket (/v1/notifications, with
// its cursor, acknowledging each message once handled), and the long-poll
// (/v1/notifications/longpoll) when the socket cannot connect. "auto" tries the socket; after
// wsFailuresBeforeLongPoll refusals in a row it long-polls for longPollRoundsBeforeSocketRetry rounds,
// then tries the socket again. Every failure waits the design's backoff (0.5-30 s, full jitter).
import WebSocket from "ws";
import { fullJitterDelayMs } from "./backoff.ts";

export type Transport = "auto" | "websocket" | "longpoll";
export const transports: readonly Transport[] = ["auto", "websocket", "longpoll"];

export interface NotifiedEvent {
  readonly eventId: string;
  readonly filePath: string;
  readonly version: number;
  readonly changeType: "create" | "update" | "delete";
  readonly timestampMs: number;
}

/** One message: the cursor the device is at after it, and the event when it carries one. */
export interface Notification {
  readonly cursor: string;
  readonly event?: NotifiedEvent;
  /** Live pushes only: when Kafka got the event and when the NotificationService consumed it. */
  readonly trace?: {
    readonly publishedAtMs?: number;
    readonly consumedAtMs?: number;
    readonly pushedAtMs?: number;
  };
  /** When this device read the message (Date.now()). */
  readonly receivedAtMs: number;
  readonly via: "websocket" | "longpoll";
}

export interface ListenerOptions {
  readonly gatewayUrl: string;
  readonly token: () => string;
  readonly deviceId: string;
  readonly random: () => number;
  readonly log: (line: string) => void;
  readonly transport: Transport;
  /** The cursor to resume from (the last one handled), undefined for a new device. */
  readonly cursor: () => string | undefined;
  /** Handles a message durably; the socket acknowledges it after this returns. */
  readonly onMessage: (message: Notification) => void;
  /** Seconds a long-poll waits for an event (5..480). */
  readonly longPollTimeoutS?: number;
  /** Called when the listener switches transport (tests and logs). */
  readonly onTransport?: (transport: "websocket" | "longpoll") => void;
}

export const listenerLimits = {
  wsFailuresBeforeLongPoll: 2,
  longPollRoundsBeforeSocketRetry: 20,
  longPollTimeoutSDefault: 30,
} as const;

/** Listens until the signal aborts. */
export async function listen(options: ListenerOptions, signal: AbortSignal): Promise<void> {
  let failures = 0;
  let wsFailures = 0;
  let longPollRoundsLeft = options.transport === "longpoll" ? Infinity : 0;
  while (!signal.aborted) {
    let ok: boolean;
    if (longPollRoundsLeft > 0) {
      options.onTransport?.("longpoll");
      ok = await longPollRound(options, signal);
      longPollRoundsLeft--;
    } else {
      options.onTransport?.("websocket");
      ok = await holdSocket(options, signal);
      wsFailures = ok ? 0 : wsFailures + 1;
      if (options.transport === "auto" && wsFailures >= listenerLimits.wsFailuresBeforeLongPoll) {
        options.log(`notifications: WebSocket refused ${wsFailures} times; long-polling`);
        longPollRoundsLeft = listenerLimits.longPollRoundsBeforeSocketRetry;
        wsFailures = 0;
        ok = true; // switch at once, without a backoff
      }
    }
    if (signal.aborted) break;
    failures = ok ? 0 : failures + 1;
    if (failures > 0 || longPollRoundsLeft === 0) {
      const delayMs = fullJitterDelayMs(failures, options.random);
      if (failures > 0) options.log(`notifications: retrying in ${(delayMs / 1000).toFixed(1)} s`);
      await abortableSleep(delayMs, signal);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One socket's life; resolves true if it opened (the backoff then starts over), false if refused. */
function holdSocket(options: ListenerOptions, signal: AbortSignal): Promise<boolean> {
  const cursor = options.cursor();
  const url =
    `${options.gatewayUrl.replace(/^http/, "ws")}/v1/notifications?device=` +
    `${encodeURIComponent(options.deviceId)}${cursor ? `&cursor=${cursor}` : ""}`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${options.token()}` } });
  let opened = false;
  return new Promise((resolve) => {
    const abort = () => ws.close(1000);
    signal.addEventListener("abort", abort, { once: true });
    ws.on("open", () => {
      opened = true;
    });
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as Omit<Notification, "via"> & { type: string };
      options.onMessage({
        receivedAtMs: Date.now(),
        cursor: message.cursor,
        ...(message.type === "event" && message.event ? { event: message.event } : {}),
        ...(message.trace ? { trace: message.trace } : {}),
        via: "websocket",
      });
      ws.send(JSON.stringify({ type: "ack", cursor: message.cursor }));
    });
    ws.on("unexpected-response", (_req, res) => {
      options.log(`notifications: upgrade refused with ${res.statusCode}`);
      res.resume();
      // While connecting, terminate() aborts the handshake and emits "close" (destroying the
      // request alone would leave the socket connecting forever).
      ws.terminate();
    });
    ws.on("error", (error) => options.log(`notifications: ${error.message}`));
    ws.on("close", () => {
      signal.removeEventListener("abort", abort);
      resolve(opened);
    });
  });
}

/** One long-poll: events after the cursor (or the newest cursor when there is none yet). */
async function longPollRound(options: ListenerOptions, signal: AbortSignal): Promise<boolean> {
  const timeoutS = options.longPollTimeoutS ?? listenerLimits.longPollTimeoutSDefault;
  const cursor = options.cursor();
  const url =
    `${options.gatewayUrl}/v1/notifications/longpoll?device=${encodeURIComponent(options.deviceId)}` +
    `&timeout=${timeoutS}${cursor ? `&cursor=${cursor}` : ""}`;
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${options.token()}` },
      // The server answers within timeout x 1.1; past that plus a margin the poll is lost.
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutS * 1100 + 10_000)]),
    });
    const body = (await response.json()) as {
      events?: { cursor: string; event: NotifiedEvent }[];
      cursor?: string;
      backoffS?: number;
    };
    if (response.status !== 200 || typeof body.cursor !== "string") {
      options.log(`notifications: long-poll answered ${response.status}`);
      return false;
    }
    const receivedAtMs = Date.now();
    for (const entry of body.events ?? [])
      options.onMessage({
        cursor: entry.cursor,
        event: entry.event,
        via: "longpoll",
        receivedAtMs,
      });
    if ((body.events ?? []).length === 0)
      options.onMessage({ cursor: body.cursor, via: "longpoll", receivedAtMs });
    if ((body.backoffS ?? 0) > 0) await abortableSleep(body.backoffS! * 1000, signal);
    return true;
  } catch (error) {
    if (signal.aborted) return true;
    options.log(`notifications: long-poll failed: ${(error as Error).message}`);
    return false;
  }
}
