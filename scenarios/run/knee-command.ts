// `syncbench run <scenario> --find-knee` (cli/commands/run.ts delegates here): prints and
// writes the knee report. Exit 0 when a knee was found under the stack's own limit, 4 when
// even the lowest rate missed a target, 1 when the generator was the limit (invalid search).
import type { PrepareBounds } from "../drivers/delta-prepare.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { defaultDriverLimits } from "../drivers/http-open-model.ts";
import { checkKnee, type KneeFile } from "../knee.schema.ts";
import type { TokenFor } from "../drivers/operations.ts";
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
}

function print(ctx: KneeOutput, k: KneeFile): void {
  ctx.out(`knee of ${k.scenario} against ${k.target} (steps of ${k.stepDurationS} s):`);
  for (const s of k.steps) {
    const p99 = Object.entries(s.latencyMsP99ByOperation)
      .map(([op, v]) => `${op} ${v}`)
      .join(", ");
    const asked = s.ratePerS.toFixed(0).padStart(7);
    const rates = `${asked}/s achieved ${String(s.achievedPerS).padStart(7)}/s`;
    ctx.out(`  ${rates} ${s.passed ? "held  " : "failed"} p99 ms: ${p99}`);
  }
  const knee =
    k.kneeRatePerS === null ? "none (even the first step failed)" : `${k.kneeRatePerS} req/s`;
  ctx.out(`  knee: ${knee} of the ${k.askedPeakRatePerS} req/s the scenario asks`);
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
  });
  const file = checkKnee(
    {
      schemaVersion: 1,
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
    print(ctx, file);
    ctx.out(`  knee file: ${out}`);
  }
  if (file.limitedBy === "generator") return exitCodes.failure;
  return file.kneeRatePerS === null ? exitCodes.targetMissed : exitCodes.ok;
}
