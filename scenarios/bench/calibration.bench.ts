// Calibration across rates (issue 18, step 4): finds the knee of delta-edit-storm on the running
// stack (the highest rate the run does not judge saturated: doubling from --start, then one
// bisection), runs the scenario at 0.3, 0.6 and 0.85 of it, calibrates from the middle run, and
// predicts all three with `simulate --validate`. Prints measured and predicted p50/p99 per rate,
// the errors, and the server part that drifted most from the calibration run (with the queues
// the ChunkServices report: event-loop delay, thread-pool delay, GC pauses). Exit 4 when a
// prediction misses 30 %. Each step is the CLI itself (`syncbench run`, `calibrate`, `simulate`),
// so the bench measures exactly what a user runs. The machine's load average is printed with
// every figure. Run: npm run bench:calibration [-- --knee R] [-- --duration S] [-- --out DIR]
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/syncbench.mjs", import.meta.url));
const { values } = parseArgs({
  options: {
    knee: { type: "string" },
    start: { type: "string" },
    duration: { type: "string" },
    out: { type: "string" },
  },
});

function bounded(name: string, text: string | undefined, fallback: number, max: number): number {
  const value = Number(text ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    process.stderr.write(`--${name} must be a number in (0, ${max}], got ${text}\n`);
    process.exit(2);
  }
  return value;
}

const durationS = bounded("duration", values.duration, 40, 600);
const startRate = bounded("start", values.start, 2, 1000);
const outDir = values.out ?? ".syncbench/results/calibration";
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function cli(args: readonly string[], okCodes = [0, 4]): Promise<string> {
  try {
    return (await run(process.execPath, [bin, ...args], { maxBuffer: 64 * 2 ** 20 })).stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (okCodes.includes(e.code ?? -1)) return e.stdout ?? "";
    throw new Error(`syncbench ${args.join(" ")} exited ${e.code}: ${e.stderr?.slice(-800)}`);
  }
}

interface RunFigures {
  readonly file: string;
  readonly askedPerS: number;
  readonly achievedPerS: number;
  readonly saturated: boolean;
  readonly cpuMsPerUpload: number | null;
}

async function runAt(ratePerS: number, seconds: number, name: string): Promise<RunFigures> {
  const file = join(outDir, `${name}.json`);
  const rate = String(Math.round(ratePerS * 100) / 100);
  // A run whose prepare phase met one transient 503 on a busy machine stops; it goes again once.
  // `run` exits 1 on a generator-bound run (sends fell behind) and still writes its results: that
  // is a saturated step for the knee, not a crash; exit 1 without a results file is a failure.
  const attempt = async (): Promise<void> => {
    rmSync(file, { force: true });
    const stdout = await cli(
      [
        "run",
        "delta-edit-storm",
        "--rate",
        rate,
        "--duration",
        String(seconds),
        "--warmup",
        "5",
        "--no-websocket",
        "--out",
        file,
      ],
      [0, 1, 4],
    );
    if (!existsSync(file)) throw new Error(`syncbench run wrote no ${file}: ${stdout.slice(-400)}`);
  };
  await attempt().catch((error: unknown) => {
    say(`  ${name}: ${(error as Error).message.slice(-200)}; once more`);
    return attempt();
  });
  const r = JSON.parse(readFileSync(file, "utf8")) as {
    rate: { askedPerS: number; achievedPerS: number };
    saturation: { saturated: boolean };
    operations: { status: string; counts?: { ok: number; error: number } }[];
    serverParts?: { cpuSeconds?: number | null } | null;
  };
  const done = r.operations.reduce(
    (n, op) => n + (op.counts ? op.counts.ok + op.counts.error : 0),
    0,
  );
  const cpu = r.serverParts?.cpuSeconds;
  const figures = {
    file,
    askedPerS: r.rate.askedPerS,
    achievedPerS: r.rate.achievedPerS,
    saturated: r.saturation.saturated,
    cpuMsPerUpload: cpu && done > 0 ? (cpu * 1000) / done : null,
  };
  say(
    `  ${name}: asked ${figures.askedPerS.toFixed(2)}/s, achieved ${figures.achievedPerS.toFixed(2)}/s, ` +
      `${figures.saturated ? "saturated" : "not saturated"}, ChunkService CPU ` +
      `${figures.cpuMsPerUpload?.toFixed(1) ?? "-"} ms per upload (load ${load()})`,
  );
  return figures;
}

/** Doubling until the run judges itself saturated, then one bisection; the highest clean rate. */
async function findKnee(): Promise<number> {
  let held = 0;
  let failed = 0;
  for (let rate = startRate; failed === 0 && rate <= 1000; rate *= 2) {
    const r = await runAt(rate, 15, `knee-${rate}`);
    if (r.saturated) failed = rate;
    else held = rate;
  }
  if (held === 0) throw new Error(`even ${startRate}/s saturated: try --start lower`);
  const middle = (held + failed) / 2;
  if (!(await runAt(middle, 15, `knee-${middle}`)).saturated) held = middle;
  return held;
}

interface ValidateRow {
  readonly ratePerS: number;
  readonly measuredP50Ms: number;
  readonly predictedP50Ms: number;
  readonly p50ErrorPct: number;
  readonly measuredP99Ms: number;
  readonly predictedP99Ms: number;
  readonly p99ErrorPct: number;
  readonly within30Pct: boolean;
}

interface Drift {
  readonly part: string;
  readonly calibratedP99Ms: number;
  readonly measuredP99Ms: number;
}

async function main(): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  say(`calibration across rates: delta-edit-storm, ${durationS} s per rate (load ${load()})`);
  const knee = values.knee ? bounded("knee", values.knee, 1, 1000) : await findKnee();
  say(`knee: ${knee}/s (${values.knee ? "given" : "found: the highest rate not saturated"})`);
  const shares = [0.3, 0.6, 0.85] as const;
  const runs: RunFigures[] = [];
  for (const share of shares)
    runs.push(await runAt(knee * share, durationS, `rate-${Math.round(share * 100)}`));
  const calibration = join(outDir, "calibration.json");
  await cli(["calibrate", runs[1]!.file, "-o", calibration], [0]);
  const lines: string[] = [];
  let allHeld = true;
  for (const [i, r] of runs.entries()) {
    const text = await cli([
      "simulate",
      "--validate",
      r.file,
      "--calibration",
      calibration,
      "--json",
    ]);
    const v = JSON.parse(text) as { rows: ValidateRow[]; partDrift: Drift[] };
    for (const row of v.rows) {
      allHeld &&= row.within30Pct;
      const top = v.partDrift[0];
      lines.push(
        `  ${String(shares[i]).padEnd(5)} ${row.ratePerS.toFixed(2).padStart(6)}/s ` +
          `${row.measuredP50Ms.toFixed(1).padStart(8)} ${row.predictedP50Ms.toFixed(1).padStart(8)} ` +
          `${pct(row.p50ErrorPct)} ${row.measuredP99Ms.toFixed(1).padStart(8)} ` +
          `${row.predictedP99Ms.toFixed(1).padStart(8)} ${pct(row.p99ErrorPct)}  ` +
          (top
            ? `${top.part} p99 ${top.calibratedP99Ms.toFixed(1)} -> ${top.measuredP99Ms.toFixed(1)} ms`
            : "-"),
      );
    }
  }
  say(`calibrated from ${runs[1]!.file}; load average at the end ${load()}`);
  say(
    "  share  rate      p50 meas  p50 pred  error   p99 meas  p99 pred  error   part drifted most",
  );
  lines.forEach(say);
  say(allHeld ? "every prediction within 30 %" : "a prediction missed 30 % (exit 4)");
  return allHeld ? 0 : 4;
}

const pct = (v: number) =>
  `${v >= 0 ? "+" : ""}${v.toFixed(1)} %${Math.abs(v) > 30 ? "!" : " "}`.padStart(9);

process.exitCode = await main();
