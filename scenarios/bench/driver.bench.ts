// The driver bench (issue 6, item 7; issue 20): the built-in open-model driver against wrk and
// against Vegeta (an independent open-model generator, at the same constant rates) on the same
// trivial loopback endpoint in the same run, and both open models on the stalling endpoint of
// `selftest co` beside its known truth. Reports requests/s per generator core for both
// (target: driver >= 0.6 x wrk), the driver's send-lag p99 at 20K req/s (target <= 1.5 ms),
// and the holders' memory per idle WebSocket device at 100K devices (target <= 8 KiB; --ws N
// changes the count, --ws 0 skips it and the row says "not measured"). wrk is installed from
// apt when missing, Vegeta built into the cache; a part that could not be measured is a row that
// says so and counts as a miss, never a pass and never a crash (the WebSocket holders report
// what they reached when their progress stalls). Ends with a table (ours, anchor, ratio,
// target, verdict) and exits 4 when a target is missed.
// The machine is shared, so each repetition runs wrk and then the driver back to back, and the
// summary takes the median over repetitions of each repetition's own ratio (paired, so a
// neighbour's load that comes and goes hits both sides of a ratio alike). CPU is user+system
// time of the generator's process (for wrk, bash's `times` of its children) over wall time.
// Run: npm run bench:driver [-- --seconds 5 --reps 3 --ws 100000]
import { execFile, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { defaultDriverLimits, runOpenModel } from "../open-model/http-open-model.ts";
import { connectDevices } from "../websocket/ws-devices.ts";
import { agreementAt, stallComparison, vegetaAgreementMax } from "./driver-vs-vegeta.ts";
import type { PairedLatency } from "./driver-vs-vegeta.ts";
import { notMeasuredRow, printTable, stallRows, vegetaRows, wsRows } from "./driver-bench-table.ts";
import type { Row } from "./driver-bench-table.ts";
import { coSelftestDefaults } from "../selftest/co-selftest.ts";
import { runVegeta } from "./vegeta-run.ts";
import { percentilesMs } from "../../formats/hdr-histogram.ts";
import { startBuiltinProcess } from "../targets/builtin-process.ts";
import { ensureAptBinary, ensureVegeta } from "../../reference-impl/stack/native/install.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string" }, reps: { type: "string" }, ws: { type: "string" } },
});
const seconds = Number(values.seconds ?? 5);
const reps = Number(values.reps ?? 3);
const wsDevices = Number(values.ws ?? 100_000);
const rates = [2_000, 10_000, 20_000];

async function startTrivial(): Promise<{ url: string; stop: () => void; pid: number }> {
  const path = fileURLToPath(new URL("./trivial-server.ts", import.meta.url));
  const child = fork(path, [], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) =>
    child.once("message", (m: { port: number }) => resolve(m.port)),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill(), pid: child.pid! };
}

async function driverAt(url: string, ratePerS: number, rep: number, path = "/") {
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
      steps: [{ route: "blockGet", method: "GET", path, headers: {} }],
    }),
    limits: { ...defaultDriverLimits, connectionsMax: 50 },
  });
  const lag = percentilesMs(o.stats.sendLag);
  const cpu = process.cpuUsage(cpuStart);
  return {
    tool: "syncbench open model",
    path,
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
    latencyMsP50: percentilesMs(o.stats.op("get").latency).p50,
    latencyMsP99: percentilesMs(o.stats.op("get").latency).p99,
    serviceMsP50: percentilesMs(o.stats.op("get").serviceTime).p50,
    serviceMsP99: percentilesMs(o.stats.op("get").serviceTime).p99,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** bash's `times` prints the children's user and system CPU: wrk's own cores, after it ends. */
async function wrkMax(wrk: string, url: string, rep: number) {
  const startedAt = performance.now();
  const script = `${wrk} -t1 -c50 -d${seconds}s ${url}; times`;
  const { stdout, stderr } = await promisify(execFile)("bash", ["-c", script]);
  const wallS = (performance.now() - startedAt) / 1000;
  const matched = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!matched)
    throw new Error(`wrk printed no "Requests/sec" line: ${stdout} ${stderr}`.slice(0, 600));
  const perS = Number(matched[1]);
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
      onConnectProgress: (p) =>
        console.log(
          `websocket: ${p.connectedCount} of ${p.devicesCount} devices held after ` +
            `${(p.elapsedMs / 1000).toFixed(0)} s (${Math.max(0, p.settledCount - p.connectedCount)} failed)`,
        ),
    });
    const r = await fleet.collect(await fleet.publish());
    return {
      devices: r.connectedCount,
      devicesAsked: r.devicesCount,
      stalled: r.connectStalled === true,
      holders: r.holderProcessCount,
      connectPhaseMs: r.connectPhaseMs,
      connectsPerS: Math.round(r.connectedCount / Math.max(0.001, r.connectPhaseMs / 1000)),
      connectErrorsByCode: r.connectErrorsByCode,
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

function driverVerdictRows(summary: ReturnType<typeof summarize>): Row[] {
  const lag = summary.sendLagMsP99At20k;
  const best = Math.max(...Object.values(summary.driverPerCorePerS));
  return [
    {
      figure: `requests/s per generator core (median of ${summary.reps} paired reps)`,
      ours: `${best}`,
      anchor: `wrk ${summary.wrkPerCorePerS}`,
      ratio: `${summary.perCoreRatioToWrk}x`,
      target: `>= ${summary.perCoreRatioTarget}x wrk`,
      verdict: summary.perCoreRatioToWrk >= summary.perCoreRatioTarget ? "met" : "MISSED",
    },
    {
      figure: "send-lag p99 at 20K req/s",
      ours: `${lag} ms`,
      anchor: "- (wrk is closed-model)",
      ratio: "-",
      target: `<= ${summary.sendLagMsP99Target} ms`,
      verdict: lag <= summary.sendLagMsP99Target ? "met" : "MISSED",
    },
  ];
}

type VegetaRow = Awaited<ReturnType<typeof vegetaAt>>;

async function vegetaAt(vegeta: string, url: string, ratePerS: number, rep: number, path = "/") {
  const v = await runVegeta({
    vegeta,
    url: `${url}${path}`,
    ratePerS,
    durationS: seconds + 1,
    warmupMs: 1000,
  });
  return {
    tool: "vegeta attack (open, unbounded workers)",
    path,
    rep,
    ratePerS,
    achievedPerS: v.achievedPerS,
    generatorCores: v.generatorCores,
    errorCount: v.errorCount,
    latencyMsP50: v.latencyMs.p50,
    latencyMsP99: v.latencyMs.p99,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** Pairs each rep's driver and Vegeta runs at the same rate. */
function pairs(
  driverRows: readonly DriverRow[],
  vegetaRows: readonly VegetaRow[],
  driverSide: "latency" | "service",
): PairedLatency[] {
  return vegetaRows.flatMap((v) => {
    const d = driverRows.find((r) => r.rep === v.rep && r.ratePerS === v.ratePerS);
    if (!d) return [];
    const driverMs =
      driverSide === "latency"
        ? { p50: d.latencyMsP50, p99: d.latencyMsP99 }
        : { p50: d.serviceMsP50, p99: d.serviceMsP99 };
    return [
      {
        rep: v.rep,
        ratePerS: v.ratePerS,
        driverMs,
        vegetaMs: { p50: v.latencyMsP50, p99: v.latencyMsP99 },
      },
    ];
  });
}

/** Runs a part; a failure becomes its rows' "NOT MEASURED" with the reason, never a crash. */
async function part<T>(figures: readonly [string, string][], run: () => Promise<T>) {
  try {
    return { value: await run(), rows: [] as Row[] };
  } catch (error) {
    console.log(`not measured: ${figures.map((f) => f[0]).join(", ")}: ${String(error)}`);
    return { value: null, rows: figures.map(([f, t]) => notMeasuredRow(f, t, error)) };
  }
}

const log = (line: string) => console.log(line);
const agreementRate = rates[0]!;
const cacheDir = loadStackConfig(process.env).native.cacheDir;
const tools = await part(
  [
    ["requests/s per generator core", ">= 0.6x wrk"],
    [
      `latency p50/p99 at ${agreementRate} req/s beside vegeta`,
      `within ${vegetaAgreementMax * 100} %`,
    ],
  ],
  async () => ({
    wrk: await ensureAptBinary("wrk", ["/usr/bin/wrk"], "wrk", log),
    vegeta: await ensureVegeta(cacheDir, log),
  }),
);
const server = await startTrivial();
const rows: Row[] = [...tools.rows];
const out: Record<string, unknown> = {};
try {
  if (tools.value) {
    const { wrk, vegeta } = tools.value;
    const wrkRows: WrkRow[] = [];
    const driverRows: DriverRow[] = [];
    const vegetaRuns: VegetaRow[] = [];
    const steadyDriverRows: DriverRow[] = [];
    const steadyVegetaRuns: VegetaRow[] = [];
    for (let rep = 1; rep <= reps; rep++) {
      const w = await wrkMax(wrk, server.url, rep);
      wrkRows.push(w);
      console.log(JSON.stringify(w));
      for (const rate of rates) {
        const d = await driverAt(server.url, rate, rep);
        driverRows.push(d);
        console.log(JSON.stringify(d));
        const v = await vegetaAt(vegeta, server.url, rate, rep);
        vegetaRuns.push(v);
        console.log(JSON.stringify(v));
      }
      const sd = await driverAt(server.url, agreementRate, rep, "/steady");
      steadyDriverRows.push(sd);
      console.log(JSON.stringify(sd));
      const sv = await vegetaAt(vegeta, server.url, agreementRate, rep, "/steady");
      steadyVegetaRuns.push(sv);
      console.log(JSON.stringify(sv));
    }
    const summary = summarize(wrkRows, driverRows);
    const steady = (side: "latency" | "service") =>
      agreementAt(pairs(steadyDriverRows, steadyVegetaRuns, side), agreementRate);
    const agreement = steady("latency");
    const serviceAgreement = steady("service");
    const trivialAgreement = agreementAt(pairs(driverRows, vegetaRuns, "latency"), agreementRate);
    Object.assign(out, {
      rows: [...wrkRows, ...driverRows, ...vegetaRuns, ...steadyDriverRows, ...steadyVegetaRuns],
      summary,
      agreement,
      serviceAgreement,
      trivialAgreement,
    });
    console.log(JSON.stringify({ ...summary, agreement, serviceAgreement, trivialAgreement }));
    const at = { ratePerS: agreementRate, reps };
    rows.push(
      ...driverVerdictRows(summary),
      ...vegetaRows(agreement, { ...at, side: "latency", endpoint: "steady" }),
      ...vegetaRows(serviceAgreement, { ...at, side: "service", endpoint: "steady" }),
      ...vegetaRows(trivialAgreement, { ...at, side: "latency", endpoint: "trivial" }),
    );
    const stall = await part(
      [[`p99/p99.9 on the stalling endpoint beside vegeta`, "within 5 % of the truth"]],
      () => stallComparison(vegeta),
    );
    out.stall = stall.value;
    rows.push(...(stall.value ? stallRows(stall.value, coSelftestDefaults.tolerance) : stall.rows));
  }
} finally {
  server.stop();
}
if (wsDevices > 0) {
  const ws = await part(
    [[`memory per idle WebSocket device (${wsDevices} devices)`, "<= 8 KiB"]],
    () => wsMemory(wsDevices),
  );
  out.websocket = ws.value;
  rows.push(...(ws.value ? wsRows(ws.value) : ws.rows));
} else {
  out.websocket = "not measured (--ws 0)";
  rows.push(notMeasuredRow("memory per idle WebSocket device", "<= 8 KiB", "--ws 0"));
}
mkdirSync(".syncbench/bench", { recursive: true });
writeFileSync(".syncbench/bench/driver.json", JSON.stringify({ ...out, verdicts: rows }, null, 2));
printTable(rows);
process.exitCode = rows.every((r) => r.verdict === "met" || r.verdict === "-") ? 0 : 4;
