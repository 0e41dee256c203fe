// The driver bench (issue 6, item 7): the built-in open-model driver against wrk on the same
// trivial loopback endpoint in the same run. Reports requests/s per generator core for both
// (target: driver >= 0.6 x wrk), the driver's send-lag p99 at 20K req/s (target <= 1.5 ms),
// and, with --ws N, the holders' memory per idle WebSocket device (target <= 8 KiB).
// Run: npx tsx scenarios/bench/driver.bench.ts [--seconds 5] [--ws 100000]
import { execFile, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { defaultDriverLimits, runOpenModel } from "../drivers/http-open-model.ts";
import { connectDevices } from "../drivers/ws-devices.ts";
import { percentilesMs } from "../measure/histograms.ts";
import { startBuiltinProcess } from "../targets/builtin-process.ts";

const { values } = parseArgs({ options: { seconds: { type: "string" }, ws: { type: "string" } } });
const seconds = Number(values.seconds ?? 5);
const rates = [2_000, 10_000, 20_000];

async function startTrivial(): Promise<{ url: string; stop: () => void; pid: number }> {
  const path = fileURLToPath(new URL("./trivial-server.ts", import.meta.url));
  const child = fork(path, [], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) =>
    child.once("message", (m: { port: number }) => resolve(m.port)),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill(), pid: child.pid! };
}

async function driverAt(url: string, ratePerS: number) {
  const o = await runOpenModel({
    baseUrl: url,
    poisson: false,
    seed: 1,
    warmupMs: 1000,
    operations: ["get"],
    arrival: {
      kind: "constant-arrival-rate",
      ratePerS,
      durationS: seconds + 1,
      spacing: "uniform",
    },
    nextPlan: () => ({
      operation: "get",
      steps: [{ route: "blockGet", method: "GET", path: "/", headers: {} }],
    }),
    limits: { ...defaultDriverLimits, connectionsMax: 50 },
  });
  const lag = percentilesMs(o.stats.sendLag);
  return {
    tool: "syncbench open model",
    ratePerS,
    achievedPerS: Math.round(o.achievedRatePerS),
    generatorCores: Number(o.generatorCpuCores.toFixed(2)),
    perCorePerS: Math.round(o.achievedRatePerS / o.generatorCpuCores),
    sendLagMsP99: lag.p99,
    latencyMsP99: percentilesMs(o.stats.op("get").latency).p99,
  };
}

/** bash's `times` prints the children's user and system CPU: wrk's own cores, after it ends. */
async function wrkMax(url: string) {
  const startedAt = performance.now();
  const script = `wrk -t1 -c50 -d${seconds}s ${url}; times`;
  const { stdout } = await promisify(execFile)("bash", ["-c", script]);
  const wallS = (performance.now() - startedAt) / 1000;
  const perS = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const children = stdout.trim().split("\n").at(-1) ?? "";
  const seconds2 = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  const cores = seconds2.reduce((a, b) => a + b, 0) / wallS;
  return {
    tool: "wrk -t1 -c50 (closed, max)",
    achievedPerS: Math.round(perS),
    generatorCores: Number(cores.toFixed(2)),
    perCorePerS: cores > 0 ? Math.round(perS / cores) : 0,
  };
}

async function wsMemory(devices: number) {
  const hubsCount = Math.ceil(devices / 18_000);
  const hubs = await Promise.all(Array.from({ length: hubsCount }, () => startBuiltinProcess()));
  try {
    const users = Math.ceil(devices / 2);
    const fleet = await connectDevices({
      urls: hubs.map((h) => `${h.url.replace("http", "ws")}/v1/notifications`),
      seed: 1,
      durationMs: 1000,
      websocket: {
        devicesPerUserMin: 2,
        devicesPerUserMax: 2,
        connectedUsersCount: users,
        notificationRatePerS: 1,
      },
    });
    const r = await fleet.collect(await fleet.publish());
    return {
      devices: r.connectedCount,
      holders: r.holderProcessCount,
      connectPhaseMs: r.connectPhaseMs,
      kibPerDevice: r.holderMemory
        ? Number((r.holderMemory.bytesPerDevice / 1024).toFixed(2))
        : null,
    };
  } finally {
    await Promise.all(hubs.map((h) => h.close()));
  }
}

const server = await startTrivial();
try {
  const rows: Record<string, unknown>[] = [];
  rows.push(await wrkMax(server.url));
  for (const rate of rates) rows.push(await driverAt(server.url, rate));
  const wrkRow = rows[0] as { perCorePerS: number };
  const best = Math.max(...rows.slice(1).map((r) => (r as { perCorePerS: number }).perCorePerS));
  const at20k = rows.at(-1) as { sendLagMsP99: number };
  const summary = {
    perCoreRatioToWrk: Number((best / wrkRow.perCorePerS).toFixed(2)),
    perCoreRatioTarget: 0.6,
    sendLagMsP99At20k: at20k.sendLagMsP99,
    sendLagMsP99Target: 1.5,
    websocket: values.ws ? await wsMemory(Number(values.ws)) : "skipped (pass --ws 100000)",
  };
  for (const row of rows) console.log(JSON.stringify(row));
  console.log(JSON.stringify(summary));
  mkdirSync(".syncbench/bench", { recursive: true });
  writeFileSync(".syncbench/bench/driver.json", JSON.stringify({ rows, summary }, null, 2));
} finally {
  server.stop();
}
