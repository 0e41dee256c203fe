// `syncbench run <scenario> --find-knee` (cli/commands/run.ts delegates here): prints and
// writes the knee report. Exit 0 when a knee was found under the stack's own limit, 4 when
// even the lowest rate missed a target, 1 when the generator was the limit (invalid search).
import type { PrepareBounds } from "../delta-upload/delta-prepare.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { defaultDriverLimits } from "../open-model/http-open-model.ts";
import { checkKnee, type KneeFile } from "../../formats/knee.schema.ts";
import type { TokenFor } from "../operations/operations.ts";
import { findKnee } from "./find-knee.ts";
import type { Scenario } from "../scenario.ts";
import type { OpenedTarget } from "../targets/open-target.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Where the command writes: stdout lines and stderr lines. */
export interface KneeOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface KneeArgs {
  readonly scenario: Scenario;
  readonly target: OpenedTarget;
  readonly out: string | undefined;
  readonly json: boolean | undefined;
  readonly durationS: number | undefined;
  readonly startRatePerS: number | undefined;
  readonly tokenFor: TokenFor | undefined;
  readonly prepareDeltas?: PrepareBounds;
  readonly processNames?: ReadonlyMap<number, string>;
  readonly timingSources?: readonly string[];
}

function stepLine(k: KneeFile, s: KneeFile["steps"][number]): string {
  const p99 = Object.entries(s.latencyMsP99ByOperation)
    .map(([op, v]) => `${op} ${v} (n=${s.samplesByOperation[op] ?? 0})`)
    .join(", ");
  const asked = s.ratePerS.toFixed(0).padStart(7);
  const served = k.servedShare < 1 ? ` (${s.servedRatePerS.toFixed(1)}/s served ops)` : "";
  const rates = `${asked}/s asked${served} achieved ${String(s.achievedPerS).padStart(5)}/s`;
  const disk = s.disk ? `, disk ${s.disk.device} ${(s.disk.busyShare * 100).toFixed(0)} %` : "";
  const cpu = `machine ${s.machineBusyCores}/${k.machineCores} cores${disk}`;
  return `  ${rates} ${s.passed ? "held  " : "failed"} ${cpu}; p99 ms: ${p99}`;
}

function print(ctx: KneeOutput, k: KneeFile, mix: Readonly<Record<string, number>>): void {
  ctx.out(`knee of ${k.scenario} against ${k.target} (steps of ${k.stepDurationS} s):`);
  for (const s of k.steps) ctx.out(stepLine(k, s));
  const kneeStep = k.steps.find((s) => s.ratePerS === k.kneeRatePerS);
  // The mix's operations the stack did not serve, named (the knee file keeps the served ones).
  const unserved = Object.entries(mix)
    .filter(([op, share]) => share > 0 && !k.servedOperations.includes(op))
    .map(([op]) => op);
  const rest = unserved.length > 0 ? `${unserved.join(" + ")} not available in this stack` : "";
  const servedText =
    kneeStep && k.servedShare < 1
      ? `, that is ${kneeStep.servedRatePerS} req/s of ${k.servedOperations.join(" + ")} ` +
        `(${(k.servedShare * 100).toFixed(0)} % of the mix${rest ? `; ${rest}` : ""})`
      : "";
  const knee =
    k.kneeRatePerS === null
      ? `none (every step failed, the lowest at ${Math.min(...k.steps.map((s) => s.ratePerS))} req/s)`
      : `${k.kneeRatePerS} req/s`;
  ctx.out(`  knee: ${knee}${servedText}; the scenario asks ${k.askedPeakRatePerS} req/s`);
  ctx.out(`  limited by: ${k.limitedBy}`);
  for (const line of k.saturatedFirst) ctx.out(`  saturated first: ${line}`);
}

export async function kneeCommand(ctx: KneeOutput, a: KneeArgs): Promise<number> {
  const stepDurationS = a.durationS ?? 10;
  const report = await findKnee({
    scenario: a.scenario,
    baseUrl: a.target.baseUrl,
    targetLabel: a.target.label,
    limits: defaultDriverLimits,
    stepDurationS,
    startRatePerS: a.startRatePerS ?? 100,
    bisectStepsMax: 3,
    log: (line) => ctx.err(line),
    ...(a.tokenFor ? { tokenFor: a.tokenFor } : {}),
    ...(a.prepareDeltas ? { prepareDeltas: a.prepareDeltas } : {}),
    ...(a.processNames ? { processNames: a.processNames } : {}),
    ...(a.timingSources ? { timingSources: a.timingSources } : {}),
  });
  const file = checkKnee(
    {
      schemaVersion: 2,
      kind: "knee",
      target: a.target.label,
      seed: a.scenario.seed,
      stepDurationS,
      ...report,
    },
    "knee",
  );
  const out = a.out ?? `.syncbench/results/${a.scenario.name}.knee.json`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  if (a.json) ctx.out(JSON.stringify(file));
  else {
    print(ctx, file, a.scenario.mix);
    ctx.out(`  knee file: ${out}`);
  }
  if (file.limitedBy === "generator") return exitCodes.failure;
  return file.kneeRatePerS === null ? exitCodes.targetMissed : exitCodes.ok;
}
