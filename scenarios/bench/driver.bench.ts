// The driver bench (issue 6, item 7): the built-in open-model driver against wrk on the same
// trivial loopback endpoint in the same run. Reports requests/s per generator core for both
// (target: driver >= 0.6 x wrk), the driver's send-lag p99 at 20K req/s (target <= 1.5 ms),
// and, with --ws N, the holders' memory per idle WebSocket device (target <= 8 KiB).
// The machine is shared, so each repetition runs wrk and then the driver back to back, and the
// summary takes the median over repetitions of each repetition's own ratio (paired, so a
// neighbour's load that comes and goes hits both sides of a ratio alike). CPU is user+system
// time of the generator's process (for wrk, bash's `times` of its children) over wall time.
// Run: npx tsx scenarios/bench/driver.bench.ts [--seconds 5] [--reps 3] [--ws 100000]
import { execFile, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { defaultDriverLimits, runOpenModel } from "../drivers/http-open-model.ts";
import { connectDevices } from "../drivers/ws-devices.ts";
import { percentilesMs } from "../measure/histograms.ts";
import { startBuiltinProcess } from "../targets/builtin-process.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string" }, reps: { type: "string" }, ws: { type: "string" } },
});
const seconds = Number(values.seconds ?? 5);
const reps = Number(values.reps ?? 3);
const rates = [2_000, 10_000, 20_000];

async function startTrivial(): Promise<{ url: string; stop: () => void; pid: number }> {
  const path = fileURLToPath(new URL("./trivial-server.ts", import.meta.url));
  const child = fork(path, [], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) =>
    child.once("message", (m: { port: number }) => resolve(m.port)),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill(), pid: child.pid! };
}

async function driverAt(url: string, ratePerS: number, rep: number) {
  const cpuStart = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuStart);
  return {
    tool: "syncbench open model",
    rep,
    ratePerS,
    achievedPerS: Math.round(o.achievedRatePerS),
    generatorCores: Number(o.generatorCpuCores.toFixed(2)),
    perCorePerS: Math.round(o.achievedRatePerS / o.generatorCpuCores),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    wallMs: Math.round(o.wallMs),
    sendLagMsP50: lag.p50,
    sendLagMsP90: lag.p90,
    sendLagMsP99: lag.p99,
    latencyMsP99: percentilesMs(o.stats.op("get").latency).p99,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** bash's `times` prints the children's user and system CPU: wrk's own cores, after it ends. */
async function wrkMax(url: string, rep: number) {
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
    rep,
    achievedPerS: Math.round(perS),
    generatorCores: Number(cores.toFixed(2)),
    perCorePerS: cores > 0 ? Math.round(perS / cores) : 0,
    cpuUserMs: Math.round((seconds2[0] ?? 0) * 1000),
    cpuSystemMs: Math.round((seconds2[1] ?? 0) * 1000),
    wallMs: Math.round(wallS * 1000),
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

type WrkRow = Awaited<ReturnType<typeof wrkMax>>;
type DriverRow = Awaited<ReturnType<typeof driverAt>>;

function summarize(wrkRows: WrkRow[], driverRows: DriverRow[]) {
  const perCoreAt = (rate: number) =>
    Math.round(median(driverRows.filter((r) => r.ratePerS === rate).map((r) => r.perCorePerS)));
  const bestRate = rates.reduce((best, rate) => (perCoreAt(rate) > perCoreAt(best) ? rate : best));
  // Each repetition's ratio: the driver at the best rate over the wrk run just before it.
  const pairedRatios = wrkRows.map((w) => {
    const d = driverRows.find((r) => r.rep === w.rep && r.ratePerS === bestRate)!;
    return d.perCorePerS / w.perCorePerS;
  });
  const lagsAt20k = driverRows.filter((r) => r.ratePerS === 20_000).map((r) => r.sendLagMsP99);
  return {
    reps: wrkRows.length,
    wrkPerCorePerS: Math.round(median(wrkRows.map((r) => r.perCorePerS))),
    driverPerCorePerS: Object.fromEntries(rates.map((rate) => [rate, perCoreAt(rate)])),
    perCoreRatioToWrk: Number(median(pairedRatios).toFixed(2)),
    perCoreRatiosByRep: pairedRatios.map((r) => Number(r.toFixed(2))),
    perCoreRatioTarget: 0.6,
    sendLagMsP99At20k: median(lagsAt20k),
    sendLagMsP99At20kByRep: lagsAt20k,
    sendLagMsP99Target: 1.5,
  };
}

const server = await startTrivial();
try {
  const wrkRows: WrkRow[] = [];
  const driverRows: DriverRow[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    const w = await wrkMax(server.url, rep);
    wrkRows.push(w);
    console.log(JSON.stringify(w));
    for (const rate of rates) {
      const d = await driverAt(server.url, rate, rep);
      driverRows.push(d);
      console.log(JSON.stringify(d));
    }
  }
  const summary = {
    ...summarize(wrkRows, driverRows),
    websocket: values.ws ? await wsMemory(Number(values.ws)) : "skipped (pass --ws 100000)",
  };
  console.log(JSON.stringify(summary));
  mkdirSync(".syncbench/bench", { recursive: true });
  const rows = [...wrkRows, ...driverRows];
  writeFileSync(".syncbench/bench/driver.json", JSON.stringify({ rows, summary }, null, 2));
} finally {
  server.stop();
}
