// End to end on the real stack: device A commits through the gateway's upload path (ChunkService,
// outbox, Kafka), device B of the same user is told over a WebSocket through the gateway (consumer
// group notification, Redis log and registry); another user is told nothing; a device that comes
// back with its cursor gets what it missed; and a NotificationService process killed (SIGKILL,
// through the supervisor, which restarts it) mid-stream loses nothing once the device reconnects.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signJwt } from "../../runtime/jwt.ts";
import { NativeProvider } from "../../stack/native/native-provider.ts";
import { Supervisor } from "../../stack/native/supervisor.ts";
import { loadStackConfig } from "../../stack/stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "../../stack/stack.test-env.ts";

const secret = stackJwtSecret();
const endpoints = stackEndpoints();
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const token = (user: string) =>
  signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, secret ?? "");

async function call(user: string, method: string, path: string, body?: unknown, raw?: Uint8Array) {
  const response = await fetch(`${endpoints.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token(user)}`,
      "content-type": raw ? "application/octet-stream" : "application/json",
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Device A's edit: a new 1 KiB file through upload-init, the block upload and the commit. */
async function commitNewFile(user: string, path: string): Promise<void> {
  const block = randomBytes(1024);
  await call(user, "POST", "/v1/files/upload-init", {
    path,
    size: block.length,
    blockHashes: [sha(block)],
  });
  expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(201);
  const commit = await call(user, "POST", "/v1/files/commit", {
    uploadId: randomUUID(),
    path,
    size: block.length,
    blockHashes: [sha(block)],
    baseVersion: 0,
  });
  expect(commit).toEqual({ status: 200, json: { version: 1 } });
}

interface Message {
  type: string;
  cursor: string;
  event?: { eventId: string; filePath: string; userId: string };
}

class Device {
  readonly messages: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.once("close", (code) => resolve(code)));
  }

  static async open(
    baseUrl: string,
    user: string,
    device: string,
    cursor?: string,
  ): Promise<Device> {
    const url = `${baseUrl.replace(/^http/, "ws")}/v1/notifications?device=${device}${cursor ? `&cursor=${cursor}` : ""}`;
    const d = new Device(
      new WebSocket(url, { headers: { authorization: `Bearer ${token(user)}` } }),
    );
    await new Promise<void>((resolve, reject) => {
      d.ws.once("error", reject);
      d.ws.once("unexpected-response", (_req, res) =>
        reject(new Error(`upgrade answered ${res.statusCode}`)),
      );
      void d.until(() => d.messages.some((m) => m.type === "ready")).then(resolve);
    });
    return d;
  }

  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  paths(): string[] {
    return this.messages.filter((m) => m.type === "event").map((m) => m.event!.filePath);
  }

  lastCursor(): string {
    return this.messages.at(-1)!.cursor;
  }
}

if (!secret)
  process.stdout.write(
    "[notifications] end-to-end tests skipped: the stack's provider starts no services\n",
  );

describe.skipIf(!secret)("notifications through the gateway", { timeout: 180_000 }, () => {
  const config = loadStackConfig(process.env).native;

  it("refuses an upgrade without a token with 401", async () => {
    const ws = new WebSocket(
      `${endpoints.gatewayUrl.replace(/^http/, "ws")}/v1/notifications?device=x`,
    );
    const status = await new Promise<number>((resolve) =>
      ws.once("unexpected-response", (req, res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(status).toBe(401);
  });

  it("device A's commit reaches device B of the same user, no other user; a reconnect with its cursor catches up", async () => {
    const [user, stranger] = [
      `notify-${randomUUID().slice(0, 8)}`,
      `notify-${randomUUID().slice(0, 8)}`,
    ];
    const [b, other] = await Promise.all([
      Device.open(endpoints.gatewayUrl, user, "b"),
      Device.open(endpoints.gatewayUrl, stranger, "phone"),
    ]);
    await commitNewFile(user, "/first.txt");
    await b.until(() => b.paths().length === 1);
    expect(b.paths()).toEqual(["/first.txt"]);
    const cursor = b.lastCursor();
    b.ws.close();
    await b.closed;
    // While B is away: two commits; a fence commit of the stranger shows the stream has passed them.
    await commitNewFile(user, "/second.txt");
    await commitNewFile(user, "/third.txt");
    await commitNewFile(stranger, "/fence.txt");
    await other.until(() => other.paths().length === 1);
    expect(other.paths()).toEqual(["/fence.txt"]);
    const back = await Device.open(endpoints.gatewayUrl, user, "b", cursor);
    await back.until(() => back.paths().length === 2);
    expect(back.paths()).toEqual(["/second.txt", "/third.txt"]);
    back.ws.close();
    other.ws.close();
  });

  it("a NotificationService process killed mid-stream: nothing is missed after the reconnect", async () => {
    const user = `notify-kill-${randomUUID().slice(0, 8)}`;
    const victim = (await new NativeProvider(config).status()).services.find(
      (s) => s.name === "notification-service-1",
    );
    expect(victim?.healthy).toBe(true);
    // Straight to the process's own port, so the test knows which one holds the socket.
    const b = await Device.open(victim!.endpoint, user, "b");
    await commitNewFile(user, "/before.txt");
    await b.until(() => b.paths().length === 1);
    const cursor = b.lastCursor();
    const paths = ["/during-1.txt", "/during-2.txt", "/during-3.txt"];
    const edits = (async () => {
      for (const path of paths) await commitNewFile(user, path);
    })();
    await new Supervisor(config.rootDir, config.repoRoot).signal(
      "notification-service-1",
      "SIGKILL",
    );
    expect(await b.closed).toBe(1006);
    await edits;
    const back = await Device.open(
      endpoints.gatewayUrl,
      user,
      "b",
      b.messages.filter((m) => m.type === "event").at(-1)?.cursor ?? cursor,
    );
    const seen = [...b.paths()];
    await back.until(() => [...seen, ...back.paths()].length >= 4);
    expect([...seen, ...back.paths()]).toEqual(["/before.txt", ...paths]);
    back.ws.close();
    await new NativeProvider(config).up(); // waits until the supervisor's restart is healthy again
  });
});
