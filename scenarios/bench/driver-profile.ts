// A profiling harness for the open-model driver: runs of runOpenModel at a fixed rate against the
// trivial loopback server (forked), so that `node --cpu-prof --import tsx` shows where the
// generator's CPU goes, and an A/B of the scheduler's send waker: with --variants waker,timer the
// two alternate --reps times in one run (the machine is shared: compare within a run only).
// Prints per run the generator's CPU (user, system), per-core rate, send lag and the load average.
// Run: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scenarios/bench/driver-profile.ts
//   [--rate 20000] [--seconds 5] [--reps 1] [--variants timer,waker] [--slack-ms 0.3]
import { fork } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultDriverLimits, runOpenModel } from "../open-model/http-open-model.ts";
import { percentilesMs } from "../../formats/hdr-histogram.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string" },
    seconds: { type: "string" },
    reps: { type: "string" },
    variants: { type: "string" },
    "slack-ms": { type: "string" },
  },
});
const ratePerS = Number(values.rate ?? 20_000);
const seconds = Number(values.seconds ?? 5);
const reps = Number(values.reps ?? 1);
/** "timer": the driver's default scheduling; "waker": with the send waker thread. */
const variants = (values.variants ?? "timer").split(",");
const slackMs = Number(values["slack-ms"] ?? 0.3);

async function once(port: number, variant: string) {
  const cpu0 = process.cpuUsage();
  const switches0 = process.resourceUsage().voluntaryContextSwitches;
  const o = await runOpenModel({
    baseUrl: `http://127.0.0.1:${port}`,
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
    wakeSlackMs: variant === "timer" ? false : slackMs,
  });
  const cpu = process.cpuUsage(cpu0);
  const sleepCount = process.resourceUsage().voluntaryContextSwitches - switches0;
  const lag = percentilesMs(o.stats.sendLag);
  return {
    variant,
    ratePerS,
    achievedPerS: Math.round(o.achievedRatePerS),
    generatorCores: Number(o.generatorCpuCores.toFixed(3)),
    perCorePerS: Math.round(o.achievedRatePerS / o.generatorCpuCores),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    wallMs: Math.round(o.wallMs),
    waker: o.waker,
    /** Voluntary context switches of the process (all threads): how often it went to sleep. */
    sleepsPerS: Math.round((sleepCount / o.wallMs) * 1000),
    sendLagMs: { p50: lag.p50, p90: lag.p90, p99: lag.p99, p999: lag.p999 },
    latencyMsP99: percentilesMs(o.stats.op("get").latency).p99,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

const path = fileURLToPath(new URL("./trivial-server.ts", import.meta.url));
const child = fork(path, [], { execArgv: ["--import", "tsx"] });
const port = await new Promise<number>((resolve) =>
  child.once("message", (m: { port: number }) => resolve(m.port)),
);
try {
  for (let rep = 0; rep < reps; rep++) {
    for (const variant of variants) console.log(JSON.stringify(await once(port, variant)));
  }
} finally {
  child.kill();
}
