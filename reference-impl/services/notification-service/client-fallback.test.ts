// The sync client's listener against a NotificationService on memory adapters: with "auto" it
// falls back to the long-poll after the WebSocket upgrade is refused twice (a proxy in front
// refuses every upgrade with 503 and passes plain HTTP through), and still receives the user's
// events from its cursor; with "longpoll" it never tries the socket.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type Notification } from "../../client/notification-listener.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import { MemoryNotificationLog } from "../../stores/notification-log/notification-log.memory.ts";
import { MemoryRegistry } from "../../stores/registry/registry.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { createNotificationService, type NotificationService } from "./notification-server.ts";
import { notificationDefaults } from "./ports.ts";

const secret = "test-secret-0123456789";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A front that refuses every WebSocket upgrade and forwards plain requests to `port`. */
function refusingProxy(port: number): Promise<number> {
  const proxy: Server = createServer((req, res) => {
    const upstream = request(
      { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  proxy.on("upgrade", (_req, socket) =>
    socket.end(
      "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    ),
  );
  closers.push(
    () =>
      new Promise((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  );
  return new Promise((resolve) =>
    proxy.listen(0, "127.0.0.1", () => resolve((proxy.address() as AddressInfo).port)),
  );
}

async function startService(): Promise<{ port: number; stream: MemorySyncStream }> {
  const stream = new MemorySyncStream(4);
  const service: NotificationService = createNotificationService(
    {
      syncStream: stream,
      registry: new MemoryRegistry(),
      log: new MemoryNotificationLog(),
      clock: new ManualClock(1_000_000),
      random: () => 0,
    },
    { ...notificationDefaults, podId: "pod-1", jwtSecret: secret },
    () => undefined,
  );
  await service.start();
  await new Promise<void>((resolve) => service.server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    await service.stop();
    service.server.closeAllConnections();
  });
  return { port: (service.server.address() as AddressInfo).port, stream };
}

describe("the client's notification listener", () => {
  it("falls back to the long-poll when the WebSocket is refused, and gets the events", async () => {
    const { port, stream } = await startService();
    const front = await refusingProxy(port);
    const stop = new AbortController();
    const seen: Notification[] = [];
    const transports: string[] = [];
    let cursor: string | undefined;
    let wake: () => void = () => undefined;
    const listening = listen(
      {
        gatewayUrl: `http://127.0.0.1:${front}`,
        token: () => signJwt({ sub: "ivy", exp: 10_000 }, secret),
        deviceId: "phone",
        random: () => 0, // no backoff delay: the test waits on events only
        log: () => undefined,
        transport: "auto",
        cursor: () => cursor,
        longPollTimeoutS: 5,
        onMessage: (message) => {
          cursor = message.cursor;
          seen.push(message);
          wake();
        },
        onTransport: (t) => {
          if (transports.at(-1) !== t) transports.push(t);
        },
      },
      stop.signal,
    );
    const until = async (predicate: () => boolean) => {
      while (!predicate()) await new Promise<void>((resolve) => (wake = resolve));
    };
    await until(() => cursor !== undefined); // the first long-poll hands over the newest cursor
    await stream.publish([
      {
        eventId: "e-1",
        userId: "ivy",
        filePath: "/a.txt",
        version: 1,
        changeType: "create",
        blockHashes: [],
        timestampMs: 1,
      },
    ]);
    await until(() => seen.some((m) => m.event !== undefined));
    stop.abort();
    await listening;
    expect(transports).toEqual(["websocket", "longpoll"]);
    expect(seen.filter((m) => m.event).map((m) => [m.event!.filePath, m.via])).toEqual([
      ["/a.txt", "longpoll"],
    ]);
  });
});
