// `syncbench simulate <experiment>`: runs a simulator experiment and writes a versioned
// projection (formats/projection.schema.ts); `simulate --validate results.json` replays a
// measured run with its calibration and prints predicted vs measured p50/p99. This file is the
// simulator's only I/O: it reads calibration/measured files (through formats/), validates every
// option at the boundary (path, value, limit), and writes --out. With --json, stdout is the one
// JSON document; the seed line and notes go to stderr.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { parseCalibrationFile, type Calibration } from "../../formats/calibration.schema.ts";
import { measuredFromFile } from "../../formats/measured-from-results.ts";
import { isModelPartName } from "../../formats/part-names.ts";
import { checkProjection } from "../../formats/projection.schema.ts";
import { fitCalibration } from "../../simulator/calibration/fit.ts";
import { partDrift, type PartDriftRow } from "../../simulator/calibration/part-drift.ts";
import { replayMeasured, type ReplayRow } from "../../simulator/calibration/replay.ts";
import type { LoopStation } from "../../simulator/calibration/loop-station.ts";
import { moments } from "../../simulator/core/variates.ts";
import type { MeasuredRun } from "../../formats/measured.schema.ts";
import { stabilityText } from "../../simulator/experiments/design-peak.ts";
import { experiments, findExperiment } from "../../simulator/experiments/index.ts";
import { runExperiment } from "../../simulator/experiments/experiment.ts";
import { planCapacity } from "../../simulator/planning/plan.ts";
import { round } from "../../simulator/projection/collector.ts";
import {
  designDefaults,
  withService,
  type ArchitectureParameters,
} from "../../simulator/models/design.ts";
import { integerFlag, commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { progress, stderrIsTty } from "../progress.ts";
import { readInputFile } from "../read-file.ts";
import { checkOutputPath, writeOutputFile } from "../write-file.ts";
import { figureText, printProjection, replicationsMax, verdictText } from "../projection-print.ts";
import { planCost, planFile } from "../plan-file.ts";
import { priceTable } from "../../reports/cost/price-table.ts";
import {
  connectedDevicesCount,
  connectionsPerPodCount,
  memoryBytesPerConnection,
} from "../../reference-impl/core/design-figures.ts";

export const simulateLimits = {
  replicationsMax,
  peakWindowSMin: 0.01,
  peakWindowSMax: 3600,
  durationSMin: 1,
  durationSMax: 3600,
  scaleMin: 0.01,
  scaleMax: 100,
  devicesMin: 1_000,
  devicesMax: 1_000_000_000,
  gcDeletesPerSMin: 0.1,
  gcDeletesPerSMax: 1_000_000,
} as const;

const options = {
  ...commonOptions,
  seed: { type: "string" },
  replications: { type: "string" },
  "duration-s": { type: "string" },
  "warmup-s": { type: "string" },
  devices: { type: "string" },
  calibration: { type: "string" },
  out: { type: "string", short: "o" },
  validate: { type: "string" },
  "peak-window-s": { type: "string" },
  scale: { type: "string" },
  "gc-deletes-per-s": { type: "string" },
  users: { type: "string" },
  "devices-per-user": { type: "string" },
  rate: { type: "string" },
  "bytes-per-connection": { type: "string" },
  "pod-connection-memory-gb": { type: "string" },
} as const;

const planOnly = [
  "users",
  "devices-per-user",
  "rate",
  "bytes-per-connection",
  "pod-connection-memory-gb",
] as const;

const help = `usage: syncbench simulate <experiment> [--seed S] [--replications n] [--duration-s D]
                         [--warmup-s W] [--scale f] [--devices N] [--peak-window-s P]
                         [--gc-deletes-per-s R]
                         [--calibration calibration.json] [--out projection.json] [--json]
       syncbench simulate --validate results.json [--calibration calibration.json] [--seed S] [--json]
       syncbench simulate plan --users N --devices-per-user d [--rate R] [--bytes-per-connection B]
                         [--pod-connection-memory-gb G] [--calibration F] [--seed S]
                         [--replications n] [--duration-s D] [--out plan.json] [--json]

plan: the smallest pods per pool, GC workers, shards and partitions that keep every station's
offered ρ ≤ 0.7, found by search over the simulator (start from the utilisation law, grow what
a run shows over 0.7, repeat), NotificationService pods sized by connection memory too; prints
the design's counts beside the plan's, the binding constraint of each, and every latency
target judged on the plan. --rate defaults to the design's 25K/s scaled by users / 700M;
connected devices are users × d × the design's connected share (100M of 700M × 2.5);
--bytes-per-connection defaults to C19's 2 KiB, --pod-connection-memory-gb to C18/C19's
5M × 2 KiB = 10.24 GB. Kafka brokers: the largest of the replication factor, the partitions'
replicas, the write throughput and 7 days of the plan's events against one broker (ASSUMED
capacities, printed). The plan is priced with \`syncbench cost\`'s model (V2) beside the design's
counts; --out writes it as plan.json (kind syncbench.plan), which \`cost --plan\` itemises.

experiments:
${experiments.map((e) => `  ${e.name.padEnd(15)} ${e.summary}`).join("\n")}

options:
  --seed S           root seed, integer 0..4294967295 (default 42); replication r uses S + r
  --replications n   independent replications, 1..${simulateLimits.replicationsMax} (default 3); intervals are 95 %;
                     a verdict needs an interval clear of its target, else "undecided (need n
                     replications)"; deterministic experiments (rolling-deploy) run once
  --duration-s D     simulated seconds of traffic per replication, ${simulateLimits.durationSMin}..${simulateLimits.durationSMax} (default 10)
  --warmup-s W       seconds discarded at the start, 0..D/2 (default 1)
  --devices N        connected devices for rolling-deploy, ${simulateLimits.devicesMin}..${simulateLimits.devicesMax} (default ${connectedDevicesCount})
  --scale f          multiply the peak rate at the source, ${simulateLimits.scaleMin}..${simulateLimits.scaleMax} (default 1): every
                     station is judged on the load offered to it (counted from the source, so a
                     saturated station upstream cannot hide it); a station offered ρ ≥ 1 prints
                     "unstable" and its queue's growth (table saturatedStations)
  --peak-window-s P  rolling-deploy: window its peak rates are counted over, ${simulateLimits.peakWindowSMin}..${simulateLimits.peakWindowSMax} s
                     (default 1; 0.01 is one slot of the cohort model)
  --gc-deletes-per-s R  gc-backlog: one GcWorker's deletes per second, as \`npm run bench:gc\`
                     measures it, ${simulateLimits.gcDeletesPerSMin}..${simulateLimits.gcDeletesPerSMax} (default: 500, ASSUMED)
  --calibration F    calibration.json from \`syncbench calibrate\`; default: the design's figures
  --out F            write the projection (schemaVersion 1) to F (plan: the plan); the path is
                     checked before the run: a folder that is missing or not writable is exit 2
  --validate F       replay measured run F at its measured rates; target: p50/p99 within 30 %
                     F: the results.json of \`syncbench run\` (kind syncbench.results) or a
                     syncbench.measured-ops file; with --calibration from another run (another
                     rate) this is the honest test, without it the fit comes from F itself

exit codes: 0 ok, 2 usage or invalid input, 4 a target failed (projection) or a replay missed 30 %`;

function numberFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number in ${min}..${max}, got "${value}"`);
  return n;
}

function loadCalibration(path: string, cwd: string): Calibration {
  return parseCalibrationFile(readInputFile(path, cwd, "calibration"), `"${path}"`);
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)} %`;

function formatRow(r: ReplayRow): string {
  const band = (e: number) => (Math.abs(e) <= 20 ? "≤20" : Math.abs(e) <= 30 ? "≤30" : ">30");
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  return (
    `  ${r.operation.padEnd(16)} rate=${r.ratePerS.toFixed(1)}/s  ` +
    `p50 measured ${ms(r.measuredP50Ms)} predicted ${ms(r.predictedP50Ms)} ` +
    `(${pct(r.p50ErrorPct)}, ${band(r.p50ErrorPct)})  ` +
    `p99 measured ${ms(r.measuredP99Ms)} predicted ${ms(r.predictedP99Ms)} ` +
    `(${pct(r.p99ErrorPct)}, ${band(r.p99ErrorPct)})  ${r.within30Pct ? "within 30 %" : "MISSED 30 %"}`
  );
}

function printDrift(
  drift: readonly PartDriftRow[],
  from: string,
  to: string,
  ctx: CliContext,
): void {
  if (drift.length === 0) return;
  ctx.out(`server parts, calibration (${from}) -> predicted run (${to}):`);
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  for (const d of drift) {
    ctx.out(
      `  ${d.part.padEnd(26)} p50 ${ms(d.calibratedP50Ms)} -> ${ms(d.measuredP50Ms)}  ` +
        `p99 ${ms(d.calibratedP99Ms)} -> ${ms(d.measuredP99Ms)} (${pct(d.p99ChangePct)})`,
    );
  }
}

/**
 * The event-loop station of the replay, when the calibration measured the ChunkServices' CPU per
 * delta upload and the predicted run says how many processes served it; else undefined.
 */
function loopStationFor(calibration: Calibration, measured: MeasuredRun): LoopStation | undefined {
  const cpu = calibration.parts["chunkService.cpu"];
  const servers = measured.serverParts?.find((p) => p.name === "chunkService.cpu")?.servers;
  const rate = calibration.operations.find((o) => o.name === "deltaUpload")?.rateAchievedPerS;
  if (!cpu || !servers || !rate) return undefined;
  return { servers, serviceS: moments(cpu.spec).mean, calibrationRatePerS: rate };
}

async function runValidate(
  path: string,
  calibrationPath: string | undefined,
  seed: number,
  json: boolean,
  ctx: CliContext,
) {
  const warn = (line: string) => ctx.err(ctx.color.yellow(line));
  const measured = measuredFromFile(readInputFile(path, ctx.cwd, "measured run"), path, warn);
  const calibration = calibrationPath
    ? loadCalibration(calibrationPath, ctx.cwd)
    : fitCalibration(measured, path);
  const say = json ? ctx.err : ctx.out; // progress; with --json stdout is the document alone
  say(`seed=${seed} calibration=${calibrationPath ?? `fitted from ${path}`}`);
  const total = (ops: Calibration["operations"]) => ops.reduce((s, o) => s + o.rateAchievedPerS, 0);
  say(
    `calibrated at ${total(calibration.operations).toFixed(1)}/s (${calibration.source.file}), ` +
      `predicting ${total(measured.operations).toFixed(1)}/s (${path})`,
  );
  const missing = measured.operations.flatMap((op) =>
    op.parts.filter((p) => !calibration.parts[p.name]).map((p) => `${op.name}.${p.name}`),
  );
  if (missing.length > 0)
    throw new SyncbenchError(
      "SIM_CALIBRATION_INVALID",
      `calibration lacks parts: ${missing.join(", ")}`,
    );
  const loop = loopStationFor(calibration, measured);
  if (loop) {
    say(
      `model: + ${loop.servers} ChunkService event loops (chunkService.cpu ` +
        `${(loop.serviceS * 1000).toFixed(1)} ms per delta upload, calibrated at ` +
        `${loop.calibrationRatePerS.toFixed(2)}/s) in front of the delta upload's client part`,
    );
  }
  const { rows } = replayMeasured(
    { ...calibration, operations: measured.operations },
    { seed, durationS: 60, ...(loop ? { loop } : {}) },
  );
  const drift = partDrift(calibration, measured);
  if (json) ctx.out(JSON.stringify({ seed, measured: path, rows, partDrift: drift }));
  else {
    rows.forEach((r) => ctx.out(formatRow(r)));
    printDrift(drift, calibration.source.file, path, ctx);
  }
  if (measured.operations.every((op) => op.parts.every((p) => p.servers === null))) {
    const where =
      drift.length > 0
        ? "the server parts above show which part moved between the runs"
        : "on a shared machine CPU contention is one, a server's own queue another";
    say(
      ctx.color.dim(
        "note: every part is a pure delay (servers null): the model has no " +
          "queue, so its prediction does not grow with the rate; a measured rise with the rate comes " +
          `from a queue it does not have (${where})`,
      ),
    );
  }
  return rows.every((r) => r.within30Pct) ? exitCodes.ok : exitCodes.targetMissed;
}

type Values = ReturnType<typeof parseFlags<typeof options>>["values"];

/** --replications, --duration-s and --warmup-s, bounded and defaulted as every experiment takes them. */
function runLengthFlags(values: Record<string, string | boolean | undefined>): {
  replications: number;
  durationS: number;
  warmupS: number;
} {
  const flag = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const replications = integerFlag(
    flag("replications"),
    "replications",
    3,
    1,
    simulateLimits.replicationsMax,
  );
  const durationS = numberFlag(
    flag("duration-s"),
    "duration-s",
    10,
    simulateLimits.durationSMin,
    simulateLimits.durationSMax,
  );
  const warmupS = numberFlag(
    flag("warmup-s"),
    "warmup-s",
    Math.min(1, durationS / 2),
    0,
    durationS / 2,
  );
  return { replications, durationS, warmupS };
}

function runPlan(values: Values, seed: number, ctx: CliContext): number {
  if (values.users === undefined || values["devices-per-user"] === undefined) {
    throw new UsageError("simulate plan needs --users N and --devices-per-user d");
  }
  const users = integerFlag(values.users, "users", 0, 1_000, 100_000_000_000);
  const devicesPerUser = numberFlag(values["devices-per-user"], "devices-per-user", 0, 0.01, 1_000);
  const ratePerS =
    values.rate === undefined ? undefined : numberFlag(values.rate, "rate", 0, 1, 10_000_000);
  const bytesPerConnection = numberFlag(
    values["bytes-per-connection"],
    "bytes-per-connection",
    memoryBytesPerConnection,
    1,
    1_048_576,
  );
  const podMemoryGb = numberFlag(
    values["pod-connection-memory-gb"],
    "pod-connection-memory-gb",
    (connectionsPerPodCount * memoryBytesPerConnection) / 1e9,
    0.01,
    4096,
  );
  const { replications, durationS, warmupS } = runLengthFlags(values);
  const outPath = values.out ? checkOutputPath(values.out, ctx.cwd, "capacity plan") : undefined;
  const calibration = values.calibration ? loadCalibration(values.calibration, ctx.cwd) : undefined;
  const overrides = Object.fromEntries(
    Object.entries(calibration?.parts ?? {})
      .filter(([k]) => isModelPartName(k))
      .map(([k, v]) => [k, v.spec]),
  );
  const say = values.json ? ctx.err : ctx.out;
  say(`seed=${seed} calibration=${values.calibration ?? "design-defaults"}`);
  const plan = planCapacity({
    users,
    devicesPerUser,
    ratePerS,
    bytesPerConnection,
    podConnectionMemoryBytes: podMemoryGb * 1e9,
    params: withService(designDefaults, overrides),
    seed,
    durationS,
    warmupS,
    replications,
  });
  const file = planFile(plan, { seed, calibration: values.calibration, users, devicesPerUser });
  if (outPath) writeOutputFile(outPath, `${JSON.stringify(file, null, 2)}\n`);
  const cost = planCost(file);
  if (values.json) {
    ctx.out(JSON.stringify({ ...plan, monthlyCostUsd: cost }));
  } else {
    ctx.out(
      `plan for ${users} users × ${devicesPerUser} devices: ${round(plan.ratePerS)} requests/s, ` +
        `${plan.connectedDevices} connected devices (${plan.iterations + 1} simulated searches, ${plan.events} events)`,
    );
    ctx.out(
      `  ${"resource".padEnd(26)} ${"design".padStart(7)} ${"plan".padStart(7)}  binding constraint`,
    );
    for (const r of plan.rows)
      ctx.out(
        `  ${r.resource.padEnd(26)} ${String(r.design).padStart(7)} ${String(r.plan).padStart(7)}  ${r.binding}`,
      );
    ctx.out("targets on the plan:");
    for (const m of plan.targets) {
      ctx.out(
        `  ${m.name.padEnd(40)} ${figureText(m)}  target ≤ ${m.target!.max} (${m.target!.claims.join(",")}): ` +
          verdictText(m.target!, m.replications, ctx),
      );
    }
    const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
    ctx.out(
      `monthly cost, V2 (syncbench cost, prices of ${priceTable.asOf}): ${usd(cost.plan)} at the ` +
        `plan's counts, ${usd(cost.design)} at the design's counts scaled to ${users} users; ` +
        `of which compute, MetadataDB instances and Kafka: ${usd(cost.planSized)} against ` +
        `${usd(cost.designSized)}` +
        (outPath ? ` (itemised: syncbench cost --plan ${values.out})` : ""),
    );
    for (const note of plan.notes) ctx.out(ctx.color.dim(`note: ${note}`));
  }
  return exitCodes.ok;
}

/** The design's parameters with the peak rate multiplied at the source (--scale). */
function scaled(p: ArchitectureParameters, scale: number): ArchitectureParameters {
  return scale === 1 ? p : { ...p, peakRps: p.peakRps * scale };
}

export const command: Command = {
  summary: "project the architecture to 100M devices / 64 shards with the discrete-event simulator",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, options);
    const seed = integerFlag(values.seed, "seed", 42, 0, 0xffffffff);
    if (values.validate !== undefined)
      return runValidate(values.validate, values.calibration, seed, values.json === true, ctx);
    const name = positionals[0];
    if (name !== "plan") {
      const misplaced = planOnly.filter((f) => values[f] !== undefined);
      if (misplaced.length > 0)
        throw new UsageError(
          `--${misplaced.join(", --")} belong to \`simulate plan\`, not "${name ?? ""}"`,
        );
    } else if (positionals.length === 1) return runPlan(values, seed, ctx);
    if (positionals.length !== 1 || name === undefined)
      throw new UsageError(
        `expected one experiment (${experiments.map((e) => e.name).join(", ")}), got ${positionals.length}`,
      );
    const experiment = findExperiment(name);
    if (!experiment)
      throw new UsageError(
        `unknown experiment "${name}"; known: ${experiments.map((e) => e.name).join(", ")}`,
      );
    const { replications, durationS, warmupS } = runLengthFlags(values);
    const devices = integerFlag(
      values.devices,
      "devices",
      connectedDevicesCount,
      simulateLimits.devicesMin,
      simulateLimits.devicesMax,
    );
    const peakWindowS = numberFlag(
      values["peak-window-s"],
      "peak-window-s",
      1,
      simulateLimits.peakWindowSMin,
      simulateLimits.peakWindowSMax,
    );
    const outPath = values.out ? checkOutputPath(values.out, ctx.cwd, "projection") : undefined;
    const gcDeletes = values["gc-deletes-per-s"];
    const gcDeletesPerWorkerPerS =
      gcDeletes === undefined
        ? undefined
        : numberFlag(
            gcDeletes,
            "gc-deletes-per-s",
            0,
            simulateLimits.gcDeletesPerSMin,
            simulateLimits.gcDeletesPerSMax,
          );
    const calibration = values.calibration
      ? loadCalibration(values.calibration, ctx.cwd)
      : undefined;
    const overrides = Object.fromEntries(
      Object.entries(calibration?.parts ?? {})
        .filter(([k]) => isModelPartName(k))
        .map(([k, v]) => [k, v.spec]),
    );
    const scale = numberFlag(
      values.scale,
      "scale",
      1,
      simulateLimits.scaleMin,
      simulateLimits.scaleMax,
    );
    const source = values.calibration ?? "design-defaults";
    (values.json ? ctx.err : ctx.out)(`seed=${seed} calibration=${source}`);
    // Stderr only: a live line on a terminal, each replication's line in a log.
    const live = progress(ctx, { isTty: stderrIsTty(), plainEvery: 1 });
    const projection = runExperiment(
      experiment,
      {
        seed,
        replications,
        durationS,
        warmupS,
        devices,
        peakWindowS,
        ...(gcDeletesPerWorkerPerS === undefined ? {} : { gcDeletesPerWorkerPerS }),
        params: scaled(withService(designDefaults, overrides), scale),
        onProgress: (what) => live.update(`simulate ${experiment.name}: ${what}`),
      },
      { source, parts: Object.keys(overrides) },
    );
    live.end();
    checkProjection(projection, `of ${experiment.name}`);
    if (outPath) writeOutputFile(outPath, `${JSON.stringify(projection, null, 2)}\n`);
    if (values.json) ctx.out(JSON.stringify(projection));
    else printProjection(projection, ctx);
    const failed = projection.metrics.filter((m) => m.target?.verdict === "fails");
    if (failed.length > 0) {
      ctx.err(
        `targets failed: ${failed
          .map(
            (m) =>
              `${m.name}=${m.stability ? stabilityText(m.stability) : m.mean} > ${m.target!.max}`,
          )
          .join(", ")}`,
      );
    }
    return failed.length > 0 ? exitCodes.targetMissed : exitCodes.ok;
  },
};
