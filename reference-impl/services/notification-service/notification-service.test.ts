// The NotificationService on memory adapters: JWT refused before the upgrade, events routed to the
// user's devices only, catch-up from a cursor (given or acknowledged) without duplicates, two
// processes sharing one log and registry, and the long-poll answered by an event or its timeout.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ManualClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import type { FileChangedEvent } from "../../stores/metadata-db/metadata-db.port.ts";
import { MemoryNotificationLog } from "../../stores/notification-log/notification-log.memory.ts";
import { MemoryRegistry } from "../../stores/registry/registry.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { createNotificationService, type NotificationService } from "./notification-server.ts";
import { closeCodes, notificationDefaults } from "./ports.ts";

const secret = "test-secret-0123456789";
const clock = new ManualClock(1_000_000);
const token = (user: string) => signJwt({ sub: user, exp: 10_000 }, secret);
let sequence = 0;
const changed = (userId: string): FileChangedEvent => ({
  eventId: `e-${++sequence}`,
  userId,
  filePath: `/f${sequence}.txt`,
  version: 1,
  changeType: "create",
  blockHashes: [],
  timestampMs: sequence,
});

const shared = () => ({
  syncStream: new MemorySyncStream(4),
  registry: new MemoryRegistry(),
  log: new MemoryNotificationLog(),
  clock,
  random: () => 0.5,
});
const started: NotificationService[] = [];
const sockets: WebSocket[] = [];

async function startPod(
  ports: ReturnType<typeof shared>,
  podId: string,
  pingIntervalMs: number = notificationDefaults.pingIntervalMs,
): Promise<string> {
  const service = createNotificationService(
    ports,
    { ...notificationDefaults, podId, jwtSecret: secret, pingIntervalMs },
    () => undefined,
  );
  await service.start();
  started.push(service);
  await new Promise<void>((resolve) => service.server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(service.server.address() as AddressInfo).port}`;
}

interface Device {
  ws: WebSocket;
  messages: { type: string; cursor: string; event?: FileChangedEvent }[];
  until(predicate: () => boolean): Promise<void>;
}

function connect(host: string, user: string, device: string, cursor?: string): Promise<Device> {
  const query = `device=${device}${cursor ? `&cursor=${cursor}` : ""}`;
  const ws = new WebSocket(`ws://${host}/v1/notifications?${query}`, {
    headers: { authorization: `Bearer ${token(user)}` },
  });
  sockets.push(ws);
  const messages: Device["messages"] = [];
  const waiters: (() => void)[] = [];
  ws.on("message", (data) => {
    messages.push(JSON.parse(data.toString()) as Device["messages"][number]);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (predicate: () => boolean) => {
    while (!predicate()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const device_: Device = { ws, messages, until };
  return new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    void until(() => messages.some((m) => m.type === "ready")).then(() => resolve(device_));
  });
}

const events = (d: Device) =>
  d.messages.filter((m) => m.type === "event").map((m) => m.event?.eventId);

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const service of started.splice(0)) await service.stop();
});

describe("NotificationService (memory adapters)", () => {
  it("refuses an upgrade without a valid token with 401 before it completes", async () => {
    const host = await startPod(shared(), "pod-1");
    const ws = new WebSocket(`ws://${host}/v1/notifications?device=d1`, {
      headers: { authorization: "Bearer x.y.z" },
    });
    const status = await new Promise<number>((resolve) =>
      ws.once("unexpected-response", (req, res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(status).toBe(401);
  });

  it("pushes a user's events to each of their devices and none to another user", async () => {
    const ports = shared();
    const host = await startPod(ports, "pod-1");
    const [a, b, stranger] = await Promise.all([
      connect(host, "alice", "phone"),
      connect(host, "alice", "laptop"),
      connect(host, "bob", "phone"),
    ]);
    const mine = changed("alice");
    const theirs = changed("bob");
    await ports.syncStream.publish([mine, theirs]);
    await Promise.all([
      a.until(() => events(a).length === 1),
      b.until(() => events(b).length === 1),
      stranger.until(() => events(stranger).length === 1),
    ]);
    expect(events(b)).toEqual([mine.eventId]);
    expect(events(stranger)).toEqual([theirs.eventId]);
  });

  it("a device reconnecting with its cursor gets what it missed, in order, once", async () => {
    const ports = shared();
    const host = await startPod(ports, "pod-1");
    const phone = await connect(host, "carol", "phone");
    const first = changed("carol");
    await ports.syncStream.publish([first]);
    await phone.until(() => events(phone).length === 1);
    const cursor = phone.messages.at(-1)!.cursor;
    phone.ws.close();
    const watcher = await connect(host, "carol", "watcher");
    const missed = [changed("carol"), changed("carol"), changed("carol")];
    await ports.syncStream.publish(missed);
    await watcher.until(() => events(watcher).length === 3);
    const back = await connect(host, "carol", "phone", cursor);
    const later = changed("carol");
    await ports.syncStream.publish([later]);
    await back.until(() => events(back).length === 4);
    expect(events(back)).toEqual([...missed, later].map((e) => e.eventId));
  });

  it("resumes from the cursor a device acknowledged when it gives none", async () => {
    const ports = shared();
    const host = await startPod(ports, "pod-1");
    const phone = await connect(host, "dan", "phone");
    const first = changed("dan");
    await ports.syncStream.publish([first]);
    await phone.until(() => events(phone).length === 1);
    phone.ws.send(JSON.stringify({ type: "ack", cursor: phone.messages.at(-1)!.cursor }));
    await new Promise<void>((resolve) => {
      phone.ws.once("close", () => resolve());
      phone.ws.close();
    });
    const second = changed("dan");
    await ports.syncStream.publish([second]);
    const back = await connect(host, "dan", "phone");
    expect(events(back)).toEqual([second.eventId]);
  });

  it("two processes on one log deliver each event once to a device on either", async () => {
    const ports = shared();
    const [host1, host2] = [await startPod(ports, "pod-1"), await startPod(ports, "pod-2")];
    const [on1, on2] = await Promise.all([
      connect(host1, "erin", "phone"),
      connect(host2, "erin", "laptop"),
    ]);
    const burst = [changed("erin"), changed("erin")];
    await ports.syncStream.publish(burst);
    const fence = changed("erin");
    await ports.syncStream.publish([fence]);
    await Promise.all([
      on1.until(() => events(on1).includes(fence.eventId)),
      on2.until(() => events(on2).includes(fence.eventId)),
    ]);
    expect(events(on1)).toEqual([...burst, fence].map((e) => e.eventId));
    expect(events(on2)).toEqual([...burst, fence].map((e) => e.eventId));
  });

  it("answers a long-poll with the events after its cursor, or empty with a backoff hint after the timeout", async () => {
    const ports = shared();
    const host = await startPod(ports, "pod-1");
    const get = (query: string) =>
      fetch(`http://${host}/v1/notifications/longpoll?${query}`, {
        headers: { authorization: `Bearer ${token("fay")}` },
      });
    const start = (await (await get("device=tablet")).json()) as { cursor: string };
    const pending = get(`device=tablet&cursor=${start.cursor}&timeout=5`);
    const edit = changed("fay");
    // The long-poll registers before it reads the log: publish once the registry names it.
    while ((await ports.registry.devicesOf("fay")).length === 0)
      await new Promise((r) => setImmediate(r));
    await ports.syncStream.publish([edit]);
    const answer = (await (await pending).json()) as {
      events: { event: FileChangedEvent }[];
      cursor: string;
      backoffS: number;
    };
    expect(answer.events.map((e) => e.event.eventId)).toEqual([edit.eventId]);
    expect(answer.backoffS).toBe(0);
    const quiet = (await (
      await get(`device=tablet&cursor=${answer.cursor}&timeout=5`)
    ).json()) as typeof answer;
    expect(quiet).toEqual({ events: [], cursor: answer.cursor, backoffS: 0 });
    expect((await get("device=tablet&cursor=1-0&timeout=1")).status).toBe(400);
    expect((await get("device=bad%20id&cursor=1-0")).status).toBe(400);
  });

  it("closes a slow consumer with 4008 once over 1 MiB waits for its socket", async () => {
    const ports = shared();
    const host = await startPod(ports, "pod-1");
    const slow = await connect(host, "gus", "phone");
    const closed = new Promise<number>((resolve) => slow.ws.once("close", (code) => resolve(code)));
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's send queue
    // Events of 64 KiB (1,000 block hashes) until the socket is closed; 4,000 of them (250 MiB)
    // is past every loopback buffer, so the loop's bound is never what ends the test.
    const hashes = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(64, "0"));
    let outcome: number | undefined;
    void closed.then((code) => (outcome = code));
    for (let i = 0; i < 4000 && outcome === undefined; i++) {
      await ports.syncStream.publish([{ ...changed("gus"), blockHashes: hashes }]);
      await new Promise((r) => setImmediate(r));
    }
    slow.ws.resume();
    expect(await closed).toBe(closeCodes.slowConsumer);
  });

  it("terminates a socket that does not answer a ping within the interval (the client sees 1006)", async () => {
    const host = await startPod(shared(), "pod-1", 50);
    const silent = new WebSocket(`ws://${host}/v1/notifications?device=mute`, {
      headers: { authorization: `Bearer ${token("hal")}` },
      autoPong: false,
    });
    sockets.push(silent);
    const pinged = new Promise<void>((resolve) => silent.once("ping", () => resolve()));
    const closed = new Promise<number>((resolve) => silent.once("close", (code) => resolve(code)));
    await pinged;
    expect(await closed).toBe(1006);
    // A device that answers stays: it sees several pings and no close.
    const polite = await connect(host, "hal", "talker");
    let pings = 0;
    await new Promise<void>((resolve) =>
      polite.ws.on("ping", () => {
        if (++pings === 4) resolve();
      }),
    );
    expect(polite.ws.readyState).toBe(WebSocket.OPEN);
  });
});
