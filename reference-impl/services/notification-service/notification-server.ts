// The NotificationService: WebSocket devices at /v1/notifications (JWT checked before the upgrade
// completes), long-poll at /v1/notifications/longpoll, a consumer of file-events that logs each
// event per user and hands it to the pods that hold the user's devices (Registry), and the delivery
// of those entries to local sockets in cursor order, after a catch-up from the device's cursor.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { SyncbenchError } from "../../core/errors.ts";
import { verifyJwt } from "../../runtime/jwt.ts";
import {
  compareCursors,
  isCursor,
  type LoggedEvent,
  type Subscription,
} from "../../stores/notification-log/notification-log.port.ts";
import type { DeliveredEvent } from "../../stores/sync-stream/sync-stream.port.ts";
import {
  closeCodes,
  notificationLimits as limits,
  type NotificationServicePorts,
  type NotificationServiceSettings,
} from "./ports.ts";

/** One device's socket or pending long-poll on this process. */
interface Listener {
  readonly userId: string;
  readonly deviceId: string;
  /** Cursor of the last entry delivered; entries at or before it are dropped (no duplicates). */
  lastCursor: string;
  /** While catching up, live entries wait here (bounded by the send queue's bytes). */
  pending: LoggedEvent[] | undefined;
  deliver(entries: readonly LoggedEvent[]): void;
}

const statusByCode: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  NOT_FOUND: 404,
  NOTIFY_FULL: 503,
};

export interface NotificationService {
  readonly server: Server;
  /** Subscribes to the pod bus and file-events; resolves when both are listening. */
  start(): Promise<void>;
  /** Closes every socket (1001), stops consuming and refreshing; the process may then exit. */
  stop(): Promise<void>;
  connectionCount(): number;
}

export function createNotificationService(
  ports: NotificationServicePorts,
  settings: NotificationServiceSettings,
  log: (line: string) => void,
): NotificationService {
  return new NotificationProcess(ports, settings, log);
}

class NotificationProcess implements NotificationService {
  readonly server: Server;
  private readonly listeners = new Map<string, Set<Listener>>();
  private count = 0;
  private readonly subscriptions: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.clientMessageBytesMax,
  });

  constructor(
    private readonly ports: NotificationServicePorts,
    private readonly settings: NotificationServiceSettings,
    private readonly log: (line: string) => void,
  ) {
    this.server = createServer((req, res) => this.handleHttp(req, res));
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  connectionCount(): number {
    return this.count;
  }

  private logError(what: string): (error: unknown) => void {
    return (error) => this.log(`${what}: ${(error as Error).message}`);
  }

  private add(l: Listener): void {
    const set = this.listeners.get(l.userId) ?? new Set();
    this.listeners.set(l.userId, set);
    set.add(l);
    this.count++;
  }

  private remove(l: Listener): void {
    const set = this.listeners.get(l.userId);
    if (!set?.delete(l)) return;
    this.count--;
    if (set.size === 0) this.listeners.delete(l.userId);
    const stillHere = [...set].some((other) => other.deviceId === l.deviceId);
    if (!stillHere) {
      void this.ports.registry
        .unregister(l.userId, l.deviceId, this.settings.podId)
        .catch(this.logError("unregister"));
    }
  }

  /** Hands entries to a listener in cursor order, dropping any it already has. */
  private offer(l: Listener, entries: readonly LoggedEvent[]): void {
    if (l.pending) {
      l.pending.push(...entries);
      return;
    }
    const fresh = entries.filter((e) => compareCursors(e.cursor, l.lastCursor) > 0);
    if (fresh.length === 0) return;
    l.lastCursor = fresh.at(-1)!.cursor;
    l.deliver(fresh);
  }

  /**
   * Registers the listener (locally, then in the Registry), replays the log after its cursor, then
   * lets the live entries that arrived meanwhile through: an event logged before the registration
   * is in the replay, one logged after it is routed here; the cursor drops what is in both.
   */
  private async attach(l: Listener, fromCursor: string | undefined): Promise<void> {
    l.pending = [];
    this.add(l);
    await this.ports.registry.register(l.userId, l.deviceId, this.settings.podId);
    if (fromCursor === undefined) l.lastCursor = await this.ports.log.headCursor(l.userId);
    else {
      l.lastCursor = fromCursor;
      for (;;) {
        const page = await this.ports.log.readAfter(l.userId, l.lastCursor, limits.catchUpPageMax);
        const pending: LoggedEvent[] | undefined = l.pending;
        l.pending = undefined;
        this.offer(l, page);
        l.pending = pending;
        if (page.length < limits.catchUpPageMax) break;
      }
    }
    const live = l.pending ?? [];
    l.pending = undefined;
    this.offer(
      l,
      live.sort((a, b) => compareCursors(a.cursor, b.cursor)),
    );
  }

  private onEntry(entry: LoggedEvent): void {
    for (const l of this.listeners.get(entry.userId) ?? []) this.offer(l, [entry]);
  }

  /** The consumer: log once per eventId, then route to every pod holding the user's devices. */
  private async consume(delivered: DeliveredEvent): Promise<void> {
    const consumedAtMs = this.ports.clock.nowMs();
    const { event } = delivered;
    const logged = await this.ports.log.append(event);
    const entry: LoggedEvent = {
      ...logged.entry,
      trace: {
        consumedAtMs,
        ...(delivered.publishedAtMs === undefined
          ? {}
          : { publishedAtMs: delivered.publishedAtMs }),
      },
    };
    // Routed also when a duplicate: an earlier try may have logged it and died before routing;
    // the pods drop what their devices already have by cursor.
    const pods = new Set((await this.ports.registry.devicesOf(event.userId)).map((d) => d.podId));
    await Promise.all([...pods].map((pod) => this.ports.log.sendToPod(pod, entry)));
  }

  private authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Bearer ")) {
      throw new SyncbenchError("AUTH_REQUIRED", "missing Authorization: Bearer token", {
        hint: "npx syncbench token --user <id>",
      });
    }
    return verifyJwt(
      header.slice("Bearer ".length),
      this.settings.jwtSecret,
      this.ports.clock.nowMs(),
    ).sub;
  }

  private parseTarget(url: URL): { deviceId: string; cursor: string | undefined } {
    const deviceId = url.searchParams.get("device") ?? "";
    if (!limits.deviceIdPattern.test(deviceId)) {
      throw new SyncbenchError(
        "REQUEST_INVALID",
        `device must be 1..64 of [A-Za-z0-9._-], got ${JSON.stringify(deviceId)}`,
      );
    }
    const cursor = url.searchParams.get("cursor") ?? undefined;
    if (cursor !== undefined && !isCursor(cursor)) {
      throw new SyncbenchError(
        "REQUEST_INVALID",
        `cursor must be "<ms>-<seq>" as the server sent it, got ${JSON.stringify(cursor)}`,
      );
    }
    if (this.count >= limits.connectionsMax) {
      throw new SyncbenchError(
        "NOTIFY_FULL",
        `this process holds ${this.count} connections, at most ` +
          `${limits.connectionsMax}; nothing was opened, retry with backoff`,
      );
    }
    return { deviceId, cursor };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", this.logError("socket"));
    let userId: string;
    let target: { deviceId: string; cursor: string | undefined };
    try {
      const url = new URL(req.url ?? "/", "http://notification-service");
      if (url.pathname !== "/v1/notifications")
        throw new SyncbenchError("NOT_FOUND", `no WebSocket route ${url.pathname}`);
      userId = this.authenticate(req);
      target = this.parseTarget(url);
    } catch (error) {
      refuseUpgrade(socket, error);
      return;
    }
    this.wss.handleUpgrade(
      req,
      socket,
      head,
      (ws) => void this.openSocket(ws, userId, target.deviceId, target.cursor),
    );
  }

  private async openSocket(
    ws: WebSocket,
    userId: string,
    deviceId: string,
    cursor: string | undefined,
  ): Promise<void> {
    let alive = true;
    const listener: Listener = {
      userId,
      deviceId,
      lastCursor: "0-0",
      pending: undefined,
      deliver: (entries) => {
        for (const entry of entries) {
          const text = JSON.stringify({
            type: "event",
            cursor: entry.cursor,
            event: entry.event,
            ...(entry.trace
              ? { trace: { ...entry.trace, pushedAtMs: this.ports.clock.nowMs() } }
              : {}),
          });
          if (ws.bufferedAmount + text.length > limits.sendQueueBytesMax) {
            ws.close(closeCodes.slowConsumer, "slow consumer: send queue over its bound");
            return;
          }
          ws.send(text);
        }
      },
    };
    ws.on("pong", () => {
      alive = true;
    });
    const ping = setInterval(() => {
      if (!alive) return void ws.terminate(); // no pong within one ping interval
      alive = false;
      ws.ping();
    }, this.settings.pingIntervalMs);
    let closed = false;
    ws.on("close", () => {
      closed = true;
      clearInterval(ping);
      this.remove(listener);
    });
    ws.on("error", this.logError(`socket of ${userId}/${deviceId}`));
    ws.on("message", (data, isBinary) => {
      const ack = parseAck(isBinary ? undefined : data.toString());
      if (!ack)
        return void ws.close(
          closeCodes.protocolError,
          'expected {"type":"ack","cursor":"<ms>-<seq>"}',
        );
      void this.ports.log
        .saveDeviceCursor(userId, deviceId, ack)
        .catch(this.logError("save cursor"));
    });
    try {
      const from = cursor ?? (await this.ports.log.deviceCursor(userId, deviceId));
      await this.attach(listener, from);
      // Closed while attaching (a client's handshake timeout in a reconnect storm): the close
      // handler ran before attach added the listener, which would otherwise stay counted and
      // registered (its heartbeat refreshing a device that is gone) for the process's life.
      if (closed) return this.remove(listener);
      if (ws.readyState === ws.OPEN)
        ws.send(JSON.stringify({ type: "ready", cursor: listener.lastCursor }));
    } catch (error) {
      this.logError(`attach ${userId}/${deviceId}`)(error);
      ws.close(1011, "registry or log unavailable; reconnect with backoff");
    }
  }

  private async longPoll(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const userId = this.authenticate(req);
    const { deviceId, cursor } = this.parseTarget(url);
    const timeoutText = url.searchParams.get("timeout") ?? String(limits.longPollTimeoutSDefault);
    const timeoutS = Number(timeoutText);
    if (
      !Number.isInteger(timeoutS) ||
      timeoutS < limits.longPollTimeoutSMin ||
      timeoutS > limits.longPollTimeoutSMax
    ) {
      throw new SyncbenchError(
        "REQUEST_INVALID",
        `timeout must be whole seconds ${limits.longPollTimeoutSMin}..` +
          `${limits.longPollTimeoutSMax}, got ${JSON.stringify(timeoutText)}`,
      );
    }
    const backoffS = this.count > limits.connectionsMax / 2 ? longPollBusyBackoffS : 0;
    if (cursor === undefined) {
      return sendJson(res, 200, {
        events: [],
        cursor: await this.ports.log.headCursor(userId),
        backoffS,
      });
    }
    const waitMs = timeoutS * 1000 * (1 + this.ports.random() * limits.longPollJitterRatioMax);
    const entries = await this.waitForEntries({
      userId,
      deviceId: `longpoll.${deviceId}`,
      cursor,
      waitMs,
      req,
    });
    if (entries === undefined) return; // the client went away
    const events = entries.slice(0, limits.longPollEventsMax);
    sendJson(res, 200, {
      events: events.map((e) => ({ cursor: e.cursor, event: e.event })),
      cursor: events.at(-1)?.cursor ?? cursor,
      backoffS,
    });
  }

  /** Entries after the cursor as soon as there are some, [] after waitMs, undefined if the request closes. */
  private waitForEntries(wait: {
    userId: string;
    deviceId: string;
    cursor: string;
    waitMs: number;
    req: IncomingMessage;
  }): Promise<readonly LoggedEvent[] | undefined> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.remove(listener);
        outcome();
      };
      const listener: Listener = {
        userId: wait.userId,
        deviceId: wait.deviceId,
        lastCursor: wait.cursor,
        pending: undefined,
        deliver: (entries) => finish(() => resolve(entries)),
      };
      const timer = setTimeout(() => finish(() => resolve([])), wait.waitMs);
      wait.req.on("close", () => finish(() => resolve(undefined)));
      this.attach(listener, wait.cursor).catch((error: unknown) =>
        finish(() => reject(error as Error)),
      );
    });
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://notification-service");
    const handle = async () => {
      if (req.method === "GET" && url.pathname === "/healthz")
        return sendJson(res, 200, { ok: true, connections: this.count });
      if (req.method === "GET" && url.pathname === "/v1/notifications/longpoll")
        return this.longPoll(req, res, url);
      throw new SyncbenchError("NOT_FOUND", `no route ${req.method} ${url.pathname}`);
    };
    handle().catch((error: unknown) => {
      const e =
        error instanceof SyncbenchError
          ? error
          : new SyncbenchError(
              "STORE_UNAVAILABLE",
              `registry or log unavailable: ${(error as Error).message}`,
              { cause: error },
            );
      if (res.headersSent) return void res.destroy();
      const status = statusByCode[e.code] ?? 503;
      if (status === 503) res.setHeader("retry-after", "2");
      sendJson(res, status, {
        error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
      });
    });
  }

  async start(): Promise<void> {
    this.subscriptions.push(
      await this.ports.log.onPodEntries(this.settings.podId, (entry) => this.onEntry(entry)),
    );
    this.subscriptions.push(
      await this.ports.syncStream.subscribe(this.settings.consumerGroup, (delivered) =>
        this.consume(delivered),
      ),
    );
    this.timers.push(setInterval(() => this.heartbeat(), this.settings.heartbeatMs));
  }

  /** Refreshes the Registry entry (and its TTL) of every device this process holds. */
  private heartbeat(): void {
    const devices = new Map<string, { userId: string; deviceId: string }>();
    for (const set of this.listeners.values())
      for (const l of set) devices.set(`${l.userId}\n${l.deviceId}`, l);
    for (const { userId, deviceId } of devices.values()) {
      void this.ports.registry
        .register(userId, deviceId, this.settings.podId)
        .catch(this.logError("heartbeat"));
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const client of this.wss.clients)
      client.close(closeCodes.goingAway, "server stopping; reconnect with backoff");
    this.server.close();
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await Promise.all(
      [...this.listeners.values()]
        .flatMap((set) => [...set])
        .map((l) =>
          this.ports.registry
            .unregister(l.userId, l.deviceId, this.settings.podId)
            .catch(this.logError("unregister")),
        ),
    );
  }
}

/** backoffS a long-poll answer carries while the process holds over half its connectionsMax. */
const longPollBusyBackoffS = 5;

function refuseUpgrade(socket: Duplex, error: unknown): void {
  const e = error instanceof SyncbenchError ? error : new SyncbenchError("INTERNAL", String(error));
  const status = statusByCode[e.code] ?? 500;
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Refused"}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function parseAck(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const message = JSON.parse(text) as { type?: unknown; cursor?: unknown };
    return message.type === "ack" && typeof message.cursor === "string" && isCursor(message.cursor)
      ? message.cursor
      : undefined;
  } catch {
    return undefined; // not JSON: the caller closes the socket with 4000
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
