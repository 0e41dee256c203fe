// Memory per WebSocket connection on one real NotificationService process (C19: ~2 KB, so 10 GB
// per pod at 5M connections; C18: 5M connections per pod). Opens devices straight to the process
// (not through the gateway, so one process holds them all) in steps, and after each step settles
// reads the process's RSS from /proc/<pid>/status; the bytes per connection are the least-squares
// slope through the steps (a fixed start-up footprint drops out). Devices are spread over users
// at the design's 2.5 per user. Writes "syncbench.connection-bench" (formats/), which
// `syncbench claims` reads for C19.
//   npm run bench:connection-memory -- [--connections N] [--steps K]
//     [--process notification-service-1] [--out connection-bench.json]
// RSS moves with the allocator and the GC: read the slope, and its sign, over thousands of
// sockets, not tens. The devices' own memory is this process's, not the service's.
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { devicesPerUserMean } from "../../../core/design-figures.ts";
import { signJwt } from "../../../runtime/jwt.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { checkConnectionBench, slope } from "../../../../formats/connection-bench.schema.ts";
import { notificationLimits } from "../ports.ts";

const limits = { connectionsMax: 60_000, stepsMax: 20, attachInFlight: 64, settleMs: 3_000 };

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  if (!line) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(line.split(/\s+/)[1]) * 1024;
}

function boundedInt(name: string, raw: string | undefined, fallback: number, max: number) {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new RangeError(`--${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: "string" },
      steps: { type: "string" },
      process: { type: "string" },
      out: { type: "string" },
    },
  });
  const total = boundedInt("connections", values.connections, 10_000, limits.connectionsMax);
  const stepsCount = boundedInt("steps", values.steps, 4, limits.stepsMax);
  const processName = values.process ?? "notification-service-1";
  const env = process.env;
  const provider = await createProvider(loadStackConfig(env), env);
  const secret = provider.secrets()?.jwtSecret;
  if (!secret) throw new Error("the stack runs no services (native provider only): syncbench up");
  const status = await provider.status();
  const service = status.services.find((s) => s.name === processName);
  if (!service?.healthy || service.pid === undefined) {
    throw new Error(`${processName} is not running and healthy: npx syncbench up`);
  }
  const pid = service.pid;
  const wsUrl = `${service.endpoint.replace(/^http/, "ws")}/v1/notifications`;
  const runId = Date.now().toString(36);
  const expS = Math.floor(Date.now() / 1000) + 3600;
  const sockets: WebSocket[] = [];
  let failed = 0;
  const attach = (i: number) =>
    new Promise<void>((resolve) => {
      const user = `conn-bench-${runId}-${Math.floor(i / devicesPerUserMean)}`;
      const token = signJwt({ sub: user, exp: expS }, secret);
      const ws = new WebSocket(`${wsUrl}?device=d${i}`, {
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      let attached = false;
      const fail = () => {
        if (attached) return;
        attached = true;
        failed++;
        resolve();
      };
      ws.on("message", (data) => {
        if (!attached && (JSON.parse(data.toString()) as { type: string }).type === "ready") {
          attached = true;
          sockets.push(ws);
          resolve();
        }
      });
      ws.on("unexpected-response", (req) => {
        req.destroy();
        fail();
      });
      ws.on("error", fail);
      ws.on("close", fail);
    });
  const settle = () => new Promise((r) => setTimeout(r, limits.settleMs));
  await settle();
  const steps = [{ connectionsCount: 0, rssBytes: rssBytes(pid) }];
  console.error(`${processName} (pid ${pid}) at 0 connections: ${steps[0]!.rssBytes} B RSS`);
  let next = 0;
  for (let k = 1; k <= stepsCount; k++) {
    const target = Math.round((total * k) / stepsCount);
    while (next < target) {
      const batch = [];
      for (let j = 0; j < limits.attachInFlight && next < target; j++) batch.push(attach(next++));
      await Promise.all(batch);
    }
    await settle();
    const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
    steps.push({ connectionsCount: open, rssBytes: rssBytes(pid) });
    console.error(
      `  ${open} connections: ${steps.at(-1)!.rssBytes} B RSS (${failed} failed so far)`,
    );
  }
  const bytesPerConnection = slope(steps.map((s) => ({ x: s.connectionsCount, y: s.rssBytes })));
  for (const ws of sockets) ws.terminate();
  const file = checkConnectionBench(
    {
      kind: "syncbench.connection-bench",
      schemaVersion: 1,
      startedAt: new Date().toISOString(),
      process: processName,
      endpoint: service.endpoint,
      connectionsMaxConfigured: notificationLimits.connectionsMax,
      devicesPerUser: devicesPerUserMean,
      steps,
      bytesPerConnection: Math.round(bytesPerConnection),
      failedCount: failed,
      settleMs: limits.settleMs,
      loadavg: loadavg(),
      notes: [
        "RSS of the service process from /proc; each device its own socket, straight to the " +
          "process, ping every 30 s as in production; no events flowed",
      ],
    },
    "bench:connection-memory",
  );
  console.log(
    `${processName}: ${file.bytesPerConnection} B per connection over ${steps.length} steps ` +
      `up to ${steps.at(-1)!.connectionsCount} connections (${failed} failed)`,
  );
  if (values.out) writeFileSync(values.out, `${JSON.stringify(file, null, 1)}\n`);
}

await main();
