// `syncbench validate`, the main job: brings the stack up, finds the rate this machine sustains on
// the design's mix, runs the scenarios at that rate, calibrates the simulator from them, projects
// to the design's scale, and writes the report, the claims ledger, the cost table and the gate's
// verdict into one run folder. Stages run one at a time, each in its own process (run-stage.ts);
// a stage that fails is recorded and the stages that need its files are skipped, so one failure
// never hides what the others found. Exit code: the gate's (0 held, 4 missed), 3 when the stack
// cannot start, 1 when the gated run itself could not be made.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { exitCodes } from "../reference-impl/runtime/exit-codes.ts";
import type { StackProvider } from "../reference-impl/stack/provider.ts";
import { parseKneeFile, type KneeFile } from "../formats/knee.schema.ts";
import { runStage, type StageOutcome } from "./run-stage.ts";
import {
  gatedResults,
  kneeStages,
  measureStages,
  projectStages,
  ratesFromKnee,
  reportStages,
  type MeasuredRates,
  type Stage,
  type ValidateOptions,
} from "./stages.ts";
import { countsLine, parseLedger, summaryLines, summaryRows, type SummaryRow } from "./summary.ts";

export interface ValidateIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly provider: () => Promise<StackProvider>;
  /** A line for the user (stdout). */
  readonly say: (line: string) => void;
  /** The live progress line (stderr): stage n of m, elapsed, what is running. */
  readonly progress: (text: string, final?: boolean) => void;
  readonly progressEnd: () => void;
}

export interface StageRecord {
  readonly name: string;
  readonly status: "done" | "failed" | "skipped";
  readonly exitCode: number | null;
  readonly elapsedS: number;
  readonly note: string;
}

export interface ValidateResult {
  readonly exitCode: number;
  readonly outDir: string;
  readonly stages: readonly StageRecord[];
  readonly rates?: MeasuredRates;
  readonly reportPath?: string;
}

/** A folder given with --out must be new or empty: validate never overwrites an earlier run. */
export function prepareOutDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0)
    throw new SyncbenchError(
      "VALIDATE_OUT_INVALID",
      `--out ${outDir} already holds ${readdirSync(outDir).length} entries; validate writes only ` +
        "into a new or empty folder, so an earlier run is never overwritten (nothing was written)",
      { hint: "give a new folder, or leave --out out: reports/out/<timestamp>/ is the default" },
    );
  mkdirSync(join(outDir, "logs"), { recursive: true });
}

const clock = (startMs: number) => {
  const s = Math.floor((Date.now() - startMs) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

function logName(stage: Stage): string {
  return `${stage.name.replace(/[^a-z0-9-]+/gi, "-")}.log`;
}

function readKnee(outDir: string): KneeFile | undefined {
  const path = join(outDir, "knee.json");
  if (!existsSync(path)) return undefined;
  return parseKneeFile(readFileSync(path, "utf8"), path);
}

export async function validate(o: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  const startMs = Date.now();
  const records: StageRecord[] = [];
  const evidence: string[] = [];
  // The count is fixed before the knee: its rates change the stages' arguments, not their number.
  const placeholder = ratesFromKnee(undefined);
  const total =
    1 +
    kneeStages(o).length +
    measureStages(o, placeholder).length +
    projectStages(o).length +
    reportStages(o, []).length;
  let n = 0;
  const header = (name: string) => `[stage ${++n}/${total} ${clock(startMs)}] ${name}`;

  io.say(header("stack: bring up every server and service (installs once)"));
  const stackStartMs = Date.now();
  try {
    const provider = await io.provider();
    const status = await provider.up({
      onProgress: (line) => io.progress(`[stage ${n}/${total} ${clock(startMs)}] stack: ${line}`),
    });
    io.progressEnd();
    const unhealthy = status.services.filter((s) => !s.healthy).map((s) => s.name);
    if (unhealthy.length > 0)
      throw new SyncbenchError("STACK_UNHEALTHY", `unhealthy after up: ${unhealthy.join(", ")}`);
  } catch (error) {
    io.progressEnd();
    const note = error instanceof Error ? error.message : String(error);
    records.push({ name: "stack", status: "failed", exitCode: null, elapsedS: 0, note });
    return { exitCode: exitCodes.environmentMissing, outDir: o.outDir, stages: records };
  }
  records.push({
    name: "stack",
    status: "done",
    exitCode: 0,
    elapsedS: (Date.now() - stackStartMs) / 1000,
    note: "the stack stays up after validate (npx syncbench down stops it)",
  });

  const runAll = async (stages: readonly Stage[]) => {
    for (const stage of stages) {
      io.say(`${header(stage.name)}: ${stage.what}`);
      const missing = stage.needs.filter((f) => !existsSync(join(o.outDir, f)));
      if (missing.length > 0) {
        const note = `skipped: ${missing.join(", ")} missing (an earlier stage failed)`;
        io.say(`  ${note}`);
        records.push({ name: stage.name, status: "skipped", exitCode: null, elapsedS: 0, note });
        continue;
      }
      const outcome: StageOutcome = await runStage(stage, {
        logPath: join(o.outDir, "logs", logName(stage)),
        ...(stage.stdoutTo ? { stdoutPath: join(o.outDir, stage.stdoutTo) } : {}),
        env: io.env,
        onLine: (line) =>
          io.progress(`[stage ${n}/${total} ${clock(startMs)}] ${stage.name}: ${line.trim()}`),
      });
      io.progressEnd();
      const ok =
        !outcome.timedOut &&
        outcome.exitCode !== null &&
        stage.okExitCodes.includes(outcome.exitCode);
      const written = stage.evidence.filter((f) => existsSync(join(o.outDir, f)));
      if (ok) evidence.push(...written);
      const note = outcome.timedOut
        ? `over its ${stage.timeoutS} s bound: ended`
        : ok
          ? `exit ${outcome.exitCode}`
          : `exit ${outcome.exitCode ?? "none"}: ${outcome.tail.split("\n").slice(-2).join(" / ")}`;
      io.say(`  ${ok ? "done" : "FAILED"} in ${outcome.elapsedS.toFixed(0)} s (${note})`);
      records.push({
        name: stage.name,
        status: ok ? "done" : "failed",
        exitCode: outcome.exitCode,
        elapsedS: outcome.elapsedS,
        note,
      });
    }
  };

  await runAll(kneeStages(o));
  let knee: KneeFile | undefined;
  try {
    knee = readKnee(o.outDir);
  } catch (error) {
    io.say(`  knee.json unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rates = ratesFromKnee(knee);
  io.say(`  rate for the runs: ${rates.mixRatePerS}/s of the design's mix (${rates.basis})`);
  await runAll(measureStages(o, rates));
  await runAll(projectStages(o));
  await runAll(reportStages(o, evidence));

  const gate = records.find((r) => r.name === "gate");
  const exitCode =
    gate?.status === "done" && gate.exitCode !== null
      ? gate.exitCode
      : existsSync(join(o.outDir, gatedResults))
        ? exitCodes.failure
        : exitCodes.failure;
  const reportPath = join(o.outDir, "report", "index.html");
  const result: ValidateResult = {
    exitCode,
    outDir: o.outDir,
    stages: records,
    rates,
    ...(existsSync(reportPath) ? { reportPath } : {}),
  };
  writeFileSync(
    join(o.outDir, "validate.json"),
    `${JSON.stringify({ kind: "syncbench.validate", ...result, elapsedS: (Date.now() - startMs) / 1000 }, null, 2)}\n`,
  );
  return result;
}

/** The claims' summary rows, when the ledger stage wrote claims.json; else none. */
export function claimRows(result: ValidateResult): SummaryRow[] {
  const path = join(result.outDir, "claims.json");
  if (!existsSync(path)) return [];
  try {
    return summaryRows(parseLedger(readFileSync(path, "utf8"), path));
  } catch {
    return [];
  }
}

/** The closing lines: stages, the claims table, counts, the report's path and the gate. */
export function closingLines(result: ValidateResult, elapsedS: number): string[] {
  const lines = ["", "stages:"];
  for (const r of result.stages)
    lines.push(
      `  ${r.status.padEnd(7)} ${r.name.padEnd(26)} ${r.elapsedS.toFixed(0).padStart(4)} s  ${r.note}`,
    );
  const claimsPath = join(result.outDir, "claims.json");
  if (existsSync(claimsPath)) {
    try {
      const ledger = parseLedger(readFileSync(claimsPath, "utf8"), claimsPath);
      lines.push("", ...summaryLines(summaryRows(ledger)), "", `claims: ${countsLine(ledger)}`);
    } catch (error) {
      lines.push("", `claims ledger unreadable: ${error instanceof Error ? error.message : error}`);
    }
  } else lines.push("", "claims ledger: not written (its stage failed); see logs/claims.log");
  const gate = result.stages.find((r) => r.name === "gate");
  lines.push(
    `gate (design-peak-25k's targets on this machine's run): ${
      gate?.status === "done"
        ? gate.exitCode === 0
          ? "every target held (exit 0)"
          : "a target missed or lacked samples (exit 4): gate.json says which"
        : `did not run (${gate?.note ?? "no gate stage"})`
    }`,
  );
  if (result.rates) lines.push(`rate used: ${result.rates.mixRatePerS}/s (${result.rates.basis})`);
  lines.push(`run folder: ${result.outDir}`);
  lines.push(
    result.reportPath
      ? `report: ${result.reportPath}`
      : "report: not written (its stage failed; logs/report.log)",
  );
  lines.push(`validate took ${(elapsedS / 60).toFixed(1)} min; exit ${result.exitCode}`);
  return lines;
}
