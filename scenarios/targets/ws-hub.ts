// The built-in notification hub for `--target builtin` and the WebSocket driver's tests: a `ws`
// server on the built-in target's HTTP server (path /v1/notifications?user=U&device=D) with a
// user -> sockets registry, and a publisher that sends file_changed events stamped with the
// monotonic clock (process.hrtime.bigint(), comparable across processes on one host).
// Given a secret, the hub authenticates devices as the design's NotificationService does: the
// upgrade must carry `Authorization: Bearer <HS256 JWT>` (reference-impl/runtime/jwt.ts) whose
// sub is the device's user ("user-U"); otherwise it answers 401 (403 for another user's
// token) with the reason in the body and never upgrades.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import { verifyJwt } from "../../reference-impl/runtime/jwt.ts";
import { Random } from "../operations/random.ts";
import { subjectOf } from "../operations/tokens.ts";

/** One process cannot hold more sockets than its file limit (20,000 here); stay below it. */
export const hubConnectionsMax = 18_000;

export interface HubOptions {
  /** Verify each upgrade's bearer token with this HS256 secret; absent: no authentication. */
  readonly jwtSecret?: string;
  /** Clock for token expiry (tests pass a fixed one). */
  readonly nowMs?: () => number;
}

export interface NotificationHub {
  readonly connectedCount: () => number;
  /** Upgrades refused for a missing, invalid, expired or foreign token, by code. */
  readonly refusedByCode: () => Record<string, number>;
  /** Publishes events at `ratePerS` to users 0..usersCount-1 for `durationMs`; bounded. */
  publishFor(
    usersCount: number,
    ratePerS: number,
    durationMs: number,
    seed: number,
  ): Promise<PublishTally>;
  close(): Promise<void>;
}

export interface PublishTally {
  notificationsSentCount: number;
  deliveriesExpectedCount: number;
}

type Refusal = { status: 401 | 403; code: string; reason: string };

/** Why the upgrade's token does not admit `user`, or undefined when it does. */
export function refusalOf(
  request: IncomingMessage,
  user: number,
  options: Required<HubOptions>,
): Refusal | undefined {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer (\S+)$/i.exec(header);
  if (!match) {
    const reason = header ? 'Authorization is not "Bearer <token>"' : "no Authorization header";
    return { status: 401, code: "AUTH_MISSING", reason: `${reason}; send the user's HS256 JWT` };
  }
  try {
    const claims = verifyJwt(match[1]!, options.jwtSecret, options.nowMs());
    if (claims.sub === subjectOf(user)) return undefined;
    const reason = `token is for ${claims.sub}, the device asked for user ${user}`;
    return { status: 403, code: "AUTH_WRONG_USER", reason };
  } catch (error) {
    if (isSyncbenchError(error, "AUTH_INVALID") || isSyncbenchError(error, "AUTH_EXPIRED")) {
      return { status: 401, code: error.code, reason: error.message };
    }
    throw error;
  }
}

function refuse(socket: Duplex, r: Refusal): void {
  const body = `${r.reason} (${r.code}); not upgraded\n`;
  const text = r.status === 401 ? "Unauthorized" : "Forbidden";
  socket.end(
    `HTTP/1.1 ${r.status} ${text}\r\ncontent-type: text/plain\r\n` +
      `www-authenticate: Bearer\r\nconnection: close\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function hubAuth(options: HubOptions): Required<HubOptions> | undefined {
  if (!options.jwtSecret) return undefined;
  return { jwtSecret: options.jwtSecret, nowMs: options.nowMs ?? Date.now };
}

export function attachNotificationHub(server: Server, options: HubOptions = {}): NotificationHub {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 64 * 1024,
  });
  const byUser = new Map<number, Set<WebSocket>>();
  const refused = new Map<string, number>();
  const auth = hubAuth(options);
  let connected = 0;
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://hub");
    const user = Number(url.searchParams.get("user"));
    if (
      url.pathname !== "/v1/notifications" ||
      !Number.isInteger(user) ||
      connected >= hubConnectionsMax
    ) {
      socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const refusal = auth ? refusalOf(request, user, auth) : undefined;
    if (refusal) {
      refused.set(refusal.code, (refused.get(refusal.code) ?? 0) + 1);
      refuse(socket, refusal);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      connected++;
      const set = byUser.get(user) ?? new Set<WebSocket>();
      set.add(ws);
      byUser.set(user, set);
      ws.on("close", () => {
        connected--;
        set.delete(ws);
      });
    });
  });
  let eventId = 0;
  const publish = (user: number): number => {
    const sockets = byUser.get(user);
    if (!sockets) return 0;
    const event = JSON.stringify({
      type: "file_changed",
      userId: user,
      eventId: ++eventId,
      publishedAtNs: process.hrtime.bigint().toString(),
      // Wall clock too, for clients on another clock (k6 has only Date.now()).
      publishedAtMs: Date.now(),
    });
    for (const ws of sockets) ws.send(event);
    return sockets.size;
  };
  return {
    connectedCount: () => connected,
    refusedByCode: () => Object.fromEntries(refused),
    publishFor: (usersCount, ratePerS, durationMs, seed) =>
      publishLoop({
        publish,
        usersCount,
        ratePerS,
        durationMs,
        random: new Random(seed, "notifications"),
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

interface PublishLoop {
  publish(user: number): number;
  usersCount: number;
  ratePerS: number;
  durationMs: number;
  random: Random;
}

/** Sends every due event from a timer tick (the open model again: publish times are planned). */
function publishLoop(p: PublishLoop): Promise<PublishTally> {
  const tally: PublishTally = { notificationsSentCount: 0, deliveriesExpectedCount: 0 };
  const t0 = performance.now();
  const intervalMs = 1000 / p.ratePerS;
  let nextMs = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now() - t0;
      while (nextMs <= now && nextMs < p.durationMs) {
        tally.notificationsSentCount++;
        tally.deliveriesExpectedCount += p.publish(p.random.int(p.usersCount));
        nextMs += intervalMs;
      }
      if (nextMs >= p.durationMs) resolve(tally);
      else setTimeout(tick, Math.max(0, Math.floor(nextMs - now)));
    };
    tick();
  });
}
