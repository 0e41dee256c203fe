// npm run bench:sim — the simulator's speed and memory targets, measured beside a SimPy anchor in
// the same run (alternating rounds, medians): M/M/1 at ρ = 0.8 (events/s and customers/s; SimPy
// schedules a different number of events per customer, so customers/s is the fair ratio), and
// the 100M-device rolling deploy (wall time and peak RSS, measured in a fresh child process).
// Prints one table, then the targets missed with their figures; exits 4 if any was missed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { designDefaults } from "../models/design.ts";
import { simulateMgc } from "../models/queue-models.ts";
import { runExperiment } from "../experiments/experiment.ts";
import { findExperiment } from "../experiments/index.ts";
import { ensureSimpy, runSimpyMmc } from "./simpy-runner.bench.ts";
import { connectedDevicesCount } from "../../reference-impl/core/design-figures.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function rollingDeployChild(): void {
  const start = performance.now();
  const p = runExperiment(
    findExperiment("rolling-deploy")!,
    {
      seed: 1,
      replications: 1,
      params: designDefaults,
      durationS: 10,
      warmupS: 1,
      devices: connectedDevicesCount,
    },
    { source: "design-defaults", parts: [] },
  );
  const wallS = (performance.now() - start) / 1000;
  process.stdout.write(
    JSON.stringify({
      wallS,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      metrics: p.metrics.length,
    }),
  );
}

function measureOurs(customers: number, seed: number) {
  const start = performance.now();
  const r = simulateMgc({
    arrivalRatePerS: 0.8,
    service: { kind: "exponential", meanS: 1 },
    servers: 1,
    customers,
    seed,
  });
  const wallS = (performance.now() - start) / 1000;
  return { eventsPerS: r.events / wallS, customersPerS: customers / wallS };
}

function main(): number {
  if (process.env.SIM_BENCH_CHILD === "rolling-deploy") return (rollingDeployChild(), 0);
  const rounds = 5,
    ours: ReturnType<typeof measureOurs>[] = [],
    theirs: number[] = [];
  const simpy = ensureSimpy();
  measureOurs(2e5, 99); // JIT warm-up
  for (let r = 0; r < rounds; r++) {
    ours.push(measureOurs(2_000_000, r + 1));
    if ("python" in simpy) {
      const s = runSimpyMmc(simpy.python, {
        arrivalRate: 0.8,
        serviceRate: 1,
        servers: 1,
        customers: 200_000,
        warmupFraction: 0,
        seed: r + 1,
      });
      theirs.push(s.customers / s.wallS);
    }
  }
  const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    env: { ...process.env, SIM_BENCH_CHILD: "rolling-deploy" },
    encoding: "utf8",
  });
  const deploy = JSON.parse(child.stdout) as { wallS: number; maxRssBytes: number };
  const eventsPerS = median(ours.map((o) => o.eventsPerS)),
    customersPerS = median(ours.map((o) => o.customersPerS));
  const simpyPerS = theirs.length > 0 ? median(theirs) : NaN;
  const rows: Array<[string, string, string, boolean]> = [
    [
      "M/M/1 events/s (ours, median of 5 x 2e6 customers)",
      (eventsPerS / 1e6).toFixed(2) + " M",
      ">= 5 M (stretch 10 M)",
      eventsPerS >= 5e6,
    ],
    ["M/M/1 customers/s (ours)", (customersPerS / 1e6).toFixed(2) + " M", "", true],
    [
      "M/M/1 customers/s (SimPy 4, same run, 5 x 2e5)",
      "python" in simpy ? (simpyPerS / 1e3).toFixed(0) + " K" : `skipped: ${simpy.reason}`,
      "",
      true,
    ],
    [
      "ratio ours / SimPy (customers/s)",
      (customersPerS / simpyPerS).toFixed(1) + "x",
      ">= 20x (stretch 50x)",
      !(customersPerS / simpyPerS < 20),
    ],
    [
      "rolling deploy 100M devices, wall time",
      deploy.wallS.toFixed(2) + " s",
      "<= 600 s",
      deploy.wallS <= 600,
    ],
    [
      "rolling deploy 100M devices, peak RSS",
      (deploy.maxRssBytes / 2 ** 20).toFixed(0) + " MiB",
      "<= 2048 MiB",
      deploy.maxRssBytes <= 2 ** 31,
    ],
  ];
  console.log(`| figure | measured | target |\n|---|---|---|`);
  for (const [name, value, target] of rows) console.log(`| ${name} | ${value} | ${target} |`);
  const missed = rows.filter((r) => !r[3]);
  for (const [name, value, target] of missed)
    console.log(`MISSED: ${name}: ${value} (target ${target})`);
  if (missed.length === 0) console.log("all targets met");
  return missed.length > 0 ? 4 : 0;
}

process.exitCode = main();
