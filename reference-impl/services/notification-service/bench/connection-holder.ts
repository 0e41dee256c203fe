// A child process of connections.bench.ts: holds `count` idle authenticated devices (WebSocket,
// each its own user) on the NotificationService processes, and when a socket drops, reconnects it
// with the backoff policy it was given, to a process picked at random (as a balancer that does not
// know which process is down). It counts attempts and connects per 100 ms for the parent. A child
// process per 15,000 devices keeps each under the machine's open-file limit.
import WebSocket from "ws";
import { signJwt } from "../../../runtime/jwt.ts";

export interface HolderStart {
  readonly type: "start";
  readonly endpoints: readonly string[];
  readonly firstIndex: number;
  readonly count: number;
  readonly runId: string;
  readonly jwtSecret: string;
  readonly concurrency: number;
}
export type HolderCommand =
  | HolderStart
  | { readonly type: "policy"; readonly jitter: "full" | "none" }
  | { readonly type: "report" }
  | { readonly type: "close" };

export interface HolderReport {
  readonly type: "report";
  readonly connected: number;
  readonly failedInitially: number;
  /** 100 ms bucket (ms since the epoch / 100) -> count. */
  readonly attempts: Record<string, number>;
  readonly connects: Record<string, number>;
  readonly errors: Record<string, number>;
}

const baseMs = 500;
const capMs = 30_000;
const handshakeTimeoutMs = 10_000;
let jitter: "full" | "none" = "full";
let start: HolderStart | undefined;
let connected = 0;
let failedInitially = 0;
let closing = false;
const sockets = new Set<WebSocket>();
const attempts = new Map<number, number>();
const connects = new Map<number, number>();
const errors = new Map<string, number>();
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

function token(index: number): string {
  return signJwt(
    { sub: `conn-${start!.runId}-${index}`, exp: Math.floor(Date.now() / 1000) + 3 * 3600 },
    start!.jwtSecret,
  );
}

/** One attempt: resolves true once the server says ready, false when refused or timed out. */
function attempt(index: number, endpoint: string): Promise<boolean> {
  bump(attempts, Math.floor(Date.now() / 100));
  const ws = new WebSocket(`${endpoint.replace(/^http/, "ws")}/v1/notifications?device=d`, {
    headers: { authorization: `Bearer ${token(index)}` },
    handshakeTimeout: handshakeTimeoutMs,
    perMessageDeflate: false,
  });
  return new Promise((resolve) => {
    let ready = false;
    ws.on("message", () => {
      if (ready) return;
      ready = true;
      sockets.add(ws);
      connected++;
      bump(connects, Math.floor(Date.now() / 100));
      resolve(true);
    });
    ws.on("unexpected-response", (_req, res) => {
      bump(errors, `http ${res.statusCode}`);
      res.resume();
      ws.terminate();
    });
    ws.on("error", (error) => bump(errors, (error as NodeJS.ErrnoException).code ?? error.message));
    ws.on("close", () => {
      if (!ready) return resolve(false);
      sockets.delete(ws);
      connected--;
      if (!closing) void reconnect(index);
    });
  });
}

async function reconnect(index: number): Promise<void> {
  const endpoints = start!.endpoints;
  for (let n = 0; !closing; n++) {
    const ceilingMs = Math.min(capMs, baseMs * 2 ** Math.min(n, 30));
    const delayMs = jitter === "full" ? Math.random() * ceilingMs : ceilingMs;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)]!;
    if (await attempt(index, endpoint)) return;
  }
}

async function connectAll(s: HolderStart): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < s.count) {
      const i = next++;
      const index = s.firstIndex + i;
      const ok = await attempt(index, s.endpoints[index % s.endpoints.length]!);
      if (!ok) failedInitially++;
    }
  };
  await Promise.all(Array.from({ length: s.concurrency }, lane));
  process.send!({ type: "connected", connected, failedInitially });
}

const record = (map: Map<number, number>) =>
  Object.fromEntries([...map].map(([k, v]) => [String(k), v]));

process.on("message", (command: HolderCommand) => {
  if (command.type === "start") {
    start = command;
    void connectAll(command);
  } else if (command.type === "policy") {
    jitter = command.jitter;
    attempts.clear();
    connects.clear();
    errors.clear();
  } else if (command.type === "report") {
    process.send!({
      type: "report",
      connected,
      failedInitially,
      attempts: record(attempts),
      connects: record(connects),
      errors: Object.fromEntries(errors),
    } satisfies HolderReport);
  } else {
    closing = true;
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
// The parent going away ends this process too (no orphaned sockets).
process.on("disconnect", () => process.exit(0));
