// The built-in notification hub for `--target builtin` and the WebSocket driver's tests: a `ws`
// server on the built-in target's HTTP server (path /v1/notifications?user=U&device=D) with a
// user -> sockets registry, and a publisher that sends file_changed events stamped with the
// monotonic clock (process.hrtime.bigint(), comparable across processes on one host).
import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { Random } from "../drivers/random.ts";

/** One process cannot hold more sockets than its file limit (20,000 here); stay below it. */
export const hubConnectionsMax = 18_000;

export interface NotificationHub {
  readonly connectedCount: () => number;
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

export function attachNotificationHub(server: Server): NotificationHub {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 64 * 1024,
  });
  const byUser = new Map<number, Set<WebSocket>>();
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
