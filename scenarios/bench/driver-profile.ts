// A profiling harness for the open-model driver: one run of runOpenModel at a fixed rate against
// the trivial loopback server (forked), so that `node --cpu-prof --import tsx` shows where the
// generator's CPU goes. Prints the run's generator cores, per-core rate and send-lag p99.
// Run: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scenarios/bench/driver-profile.ts
//   [--rate 20000] [--seconds 5]
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultDriverLimits, runOpenModel } from "../drivers/http-open-model.ts";
import { percentilesMs } from "../measure/histograms.ts";

const { values } = parseArgs({
  options: { rate: { type: "string" }, seconds: { type: "string" } },
});
const ratePerS = Number(values.rate ?? 20_000);
const seconds = Number(values.seconds ?? 5);

const path = fileURLToPath(new URL("./trivial-server.ts", import.meta.url));
const child = fork(path, [], { execArgv: ["--import", "tsx"] });
const port = await new Promise<number>((resolve) =>
  child.once("message", (m: { port: number }) => resolve(m.port)),
);
try {
  const cpu0 = process.cpuUsage();
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
  });
  console.log(
    JSON.stringify({
      ratePerS,
      achievedPerS: Math.round(o.achievedRatePerS),
      generatorCores: Number(o.generatorCpuCores.toFixed(3)),
      perCorePerS: Math.round(o.achievedRatePerS / o.generatorCpuCores),
      cpuUserSystemMs: Object.values(process.cpuUsage(cpu0)).map((us) => Math.round(us / 1000)),
      wallMs: Math.round(o.wallMs),
      sendLag: percentilesMs(o.stats.sendLag),
      latency: percentilesMs(o.stats.op("get").latency),
    }),
  );
} finally {
  child.kill();
}
