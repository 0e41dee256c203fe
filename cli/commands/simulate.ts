// `syncbench simulate <experiment>`: runs a simulator experiment and writes a versioned
// projection (formats/projection.schema.ts); `simulate --validate results.json` replays a
// measured run with its calibration and prints predicted vs measured p50/p99. This file is the
// simulator's only I/O: it reads calibration/measured files (through formats/), validates every
// option at the boundary (path, value, limit), and writes --out. With --json, stdout is the one
// JSON document; the seed line and notes go to stderr.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { parseCalibrationFile, type Calibration } from "../../formats/calibration.schema.ts";
import { measuredFromFile } from "../../formats/measured-from-results.ts";
import { isModelPartName } from "../../formats/part-names.ts";
import { checkProjection, type Projection } from "../../formats/projection.schema.ts";
import { fitCalibration } from "../../simulator/calibration/fit.ts";
import { partDrift, type PartDriftRow } from "../../simulator/calibration/part-drift.ts";
import { replayMeasured, type ReplayRow } from "../../simulator/calibration/replay.ts";
import { experiments, findExperiment } from "../../simulator/experiments/index.ts";
import { runExperiment } from "../../simulator/experiments/experiment.ts";
import { designDefaults, withService } from "../../simulator/models/design.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { readInputFile } from "../read-file.ts";
import { connectedDevicesCount } from "../../reference-impl/core/design-figures.ts";

export const simulateLimits = {
  replicationsMax: 100, durationSMin: 1, durationSMax: 3600, devicesMin: 1_000, devicesMax: 1_000_000_000,
} as const;

const options = {
  ...commonOptions,
  seed: { type: "string" }, replications: { type: "string" }, "duration-s": { type: "string" },
  "warmup-s": { type: "string" }, devices: { type: "string" }, calibration: { type: "string" },
  out: { type: "string", short: "o" }, validate: { type: "string" },
} as const;

const help = `usage: syncbench simulate <experiment> [--seed S] [--replications n] [--duration-s D]
                         [--warmup-s W] [--devices N] [--calibration calibration.json]
                         [--out projection.json] [--json]
       syncbench simulate --validate results.json [--calibration calibration.json] [--seed S] [--json]

experiments:
${experiments.map((e) => `  ${e.name.padEnd(15)} ${e.summary}`).join("\n")}

options:
  --seed S           root seed, integer 0..4294967295 (default 42); replication r uses S + r
  --replications n   independent replications, 1..${simulateLimits.replicationsMax} (default 3); intervals are 95 %
  --duration-s D     simulated seconds of traffic per replication, ${simulateLimits.durationSMin}..${simulateLimits.durationSMax} (default 10)
  --warmup-s W       seconds discarded at the start, 0..D/2 (default 1)
  --devices N        connected devices for rolling-deploy, ${simulateLimits.devicesMin}..${simulateLimits.devicesMax} (default ${connectedDevicesCount})
  --calibration F    calibration.json from \`syncbench calibrate\`; default: the design's figures
  --out F            write the projection (schemaVersion 1) to F
  --validate F       replay measured run F at its measured rates; target: p50/p99 within 30 %
                     F: the results.json of \`syncbench run\` (kind syncbench.results) or a
                     syncbench.measured-ops file; with --calibration from another run (another
                     rate) this is the honest test, without it the fit comes from F itself

exit codes: 0 ok, 2 usage or invalid input, 4 a target failed (projection) or a replay missed 30 %`;

function integerFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, got "${value}"`);
  return n;
}

function numberFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in ${min}..${max}, got "${value}"`);
  return n;
}

function loadCalibration(path: string, cwd: string): Calibration {
  return parseCalibrationFile(readInputFile(path, cwd, "calibration"), `"${path}"`);
}

function printProjection(p: Projection, ctx: CliContext): void {
  ctx.out(`experiment=${p.experiment} replications=${p.replications} events=${p.simulator.events}`);
  for (const m of p.metrics) {
    const ci = m.halfWidth === null ? "" : ` ± ${m.halfWidth}`;
    const target = m.target ? `  target ≤ ${m.target.max} (${m.target.claims.join(",")}): ${colourVerdict(m.target.verdict, ctx)}` : "";
    ctx.out(`  ${m.name.padEnd(48)} ${String(m.mean).padStart(12)}${ci} ${m.unit}${target}`);
  }
  for (const [name, rows] of Object.entries(p.tables)) {
    ctx.out(`table ${name}:`);
    for (const row of rows) ctx.out(`  ${Object.entries(row).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  }
  for (const note of p.notes) ctx.out(ctx.color.dim(`note: ${note}`));
}

function colourVerdict(v: string, ctx: CliContext): string {
  return v === "holds" ? ctx.color.green(v) : v === "fails" ? ctx.color.red(v) : ctx.color.yellow(v);
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)} %`;

function formatRow(r: ReplayRow): string {
  const band = (e: number) => (Math.abs(e) <= 20 ? "≤20" : Math.abs(e) <= 30 ? "≤30" : ">30");
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  return `  ${r.operation.padEnd(16)} rate=${r.ratePerS.toFixed(1)}/s  ` +
    `p50 measured ${ms(r.measuredP50Ms)} predicted ${ms(r.predictedP50Ms)} ` +
    `(${pct(r.p50ErrorPct)}, ${band(r.p50ErrorPct)})  ` +
    `p99 measured ${ms(r.measuredP99Ms)} predicted ${ms(r.predictedP99Ms)} ` +
    `(${pct(r.p99ErrorPct)}, ${band(r.p99ErrorPct)})  ${r.within30Pct ? "within 30 %" : "MISSED 30 %"}`;
}

function printDrift(drift: readonly PartDriftRow[], from: string, to: string, ctx: CliContext): void {
  if (drift.length === 0) return;
  ctx.out(`server parts, calibration (${from}) -> predicted run (${to}):`);
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  for (const d of drift) {
    ctx.out(`  ${d.part.padEnd(26)} p50 ${ms(d.calibratedP50Ms)} -> ${ms(d.measuredP50Ms)}  ` +
      `p99 ${ms(d.calibratedP99Ms)} -> ${ms(d.measuredP99Ms)} (${pct(d.p99ChangePct)})`);
  }
}

async function runValidate(path: string, calibrationPath: string | undefined, seed: number, json: boolean, ctx: CliContext) {
  const warn = (line: string) => ctx.err(ctx.color.yellow(line));
  const measured = measuredFromFile(readInputFile(path, ctx.cwd, "measured run"), path, warn);
  const calibration = calibrationPath ? loadCalibration(calibrationPath, ctx.cwd) : fitCalibration(measured, path);
  const say = json ? ctx.err : ctx.out; // progress; with --json stdout is the document alone
  say(`seed=${seed} calibration=${calibrationPath ?? `fitted from ${path}`}`);
  const total = (ops: Calibration["operations"]) => ops.reduce((s, o) => s + o.rateAchievedPerS, 0);
  say(`calibrated at ${total(calibration.operations).toFixed(1)}/s (${calibration.source.file}), ` +
    `predicting ${total(measured.operations).toFixed(1)}/s (${path})`);
  const missing = measured.operations.flatMap((op) => op.parts.filter((p) => !calibration.parts[p.name]).map((p) => `${op.name}.${p.name}`));
  if (missing.length > 0) throw new SyncbenchError("SIM_CALIBRATION_INVALID", `calibration lacks parts: ${missing.join(", ")}`);
  const { rows } = replayMeasured({ ...calibration, operations: measured.operations }, { seed, durationS: 60 });
  const drift = partDrift(calibration, measured);
  if (json) ctx.out(JSON.stringify({ seed, measured: path, rows, partDrift: drift }));
  else {
    rows.forEach((r) => ctx.out(formatRow(r)));
    printDrift(drift, calibration.source.file, path, ctx);
  }
  if (measured.operations.every((op) => op.parts.every((p) => p.servers === null))) {
    const where = drift.length > 0 ? "the server parts above show which part moved between the runs"
      : "on a shared machine CPU contention is one, a server's own queue another";
    say(ctx.color.dim("note: every part is a pure delay (servers null): the model has no " +
      "queue, so its prediction does not grow with the rate; a measured rise with the rate comes " +
      `from a queue it does not have (${where})`));
  }
  return rows.every((r) => r.within30Pct) ? exitCodes.ok : exitCodes.targetMissed;
}

export const command: Command = {
  summary: "project the architecture to 100M devices / 64 shards with the discrete-event simulator",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, options);
    const seed = integerFlag(values.seed, "seed", 42, 0, 0xffffffff);
    if (values.validate !== undefined) return runValidate(values.validate, values.calibration, seed, values.json === true, ctx);
    const name = positionals[0];
    if (positionals.length !== 1 || name === undefined) throw new UsageError(`expected one experiment (${experiments.map((e) => e.name).join(", ")}), got ${positionals.length}`);
    const experiment = findExperiment(name);
    if (!experiment) throw new UsageError(`unknown experiment "${name}"; known: ${experiments.map((e) => e.name).join(", ")}`);
    const replications = integerFlag(values.replications, "replications", 3, 1, simulateLimits.replicationsMax);
    const durationS = numberFlag(values["duration-s"], "duration-s", 10, simulateLimits.durationSMin, simulateLimits.durationSMax);
    const warmupS = numberFlag(values["warmup-s"], "warmup-s", Math.min(1, durationS / 2), 0, durationS / 2);
    const devices = integerFlag(values.devices, "devices", connectedDevicesCount, simulateLimits.devicesMin, simulateLimits.devicesMax);
    const calibration = values.calibration ? loadCalibration(values.calibration, ctx.cwd) : undefined;
    const overrides = Object.fromEntries(Object.entries(calibration?.parts ?? {})
      .filter(([k]) => isModelPartName(k)).map(([k, v]) => [k, v.spec]));
    const source = values.calibration ?? "design-defaults";
    (values.json ? ctx.err : ctx.out)(`seed=${seed} calibration=${source}`);
    const projection = runExperiment(experiment, { seed, replications, durationS, warmupS, devices,
      params: withService(designDefaults, overrides) }, { source, parts: Object.keys(overrides) });
    checkProjection(projection, `of ${experiment.name}`);
    if (values.out) writeFileSync(resolve(ctx.cwd, values.out), `${JSON.stringify(projection, null, 2)}\n`);
    if (values.json) ctx.out(JSON.stringify(projection));
    else printProjection(projection, ctx);
    const failed = projection.metrics.filter((m) => m.target?.verdict === "fails");
    if (failed.length > 0) ctx.err(`targets failed: ${failed.map((m) => `${m.name}=${m.mean} > ${m.target!.max}`).join(", ")}`);
    return failed.length > 0 ? exitCodes.targetMissed : exitCodes.ok;
  },
};
