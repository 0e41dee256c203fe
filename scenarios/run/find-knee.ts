// --find-knee: the highest arrival rate at which the stack still meets the scenario's HTTP
// targets. Doubles the rate from a low start until a step fails (or, when the first step fails,
// halves it until one holds), then bisects between the last
// pass and the first failure; each step is a short open-model run. It stops early when the
// generator, not the stack, is the limit, and names what saturated first in the failing step:
// missed targets, unmet rate or drops, a full connection pool, CPU per process tree and of the
// machine, and the services' own parts that grew (knee-diagnosis.ts). Rates are asked of the
// whole mix; operations the stack lacks are not sent, so each step also states the rate of the
// operations it serves.
import { availableParallelism } from "node:os";
import type { DriverLimits } from "../open-model/http-open-model.ts";
import type { TokenFor } from "../operations/operations.ts";
import {
  busiestDisk,
  cpuByName,
  cpuSnapshot,
  machineBusyCores,
  type ProcessCpu,
} from "../measure/process-cpu.ts";
import type { Results } from "../../formats/results.schema.ts";
import { arrivalPeakRatePerS, type Scenario } from "../scenario.ts";
import { applyOverrides } from "./effective.ts";
import { runScenario } from "./run-scenario.ts";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import { syncbenchVersion } from "../../reference-impl/runtime/version.ts";
import type { PrepareBounds } from "../delta-upload/delta-prepare.ts";
import { diagnoseKnee } from "./knee-diagnosis.ts";

export interface KneeOptions {
  readonly scenario: Scenario;
  readonly baseUrl: string;
  readonly targetLabel: string;
  readonly limits: DriverLimits;
  readonly stepDurationS: number;
  readonly startRatePerS: number;
  readonly bisectStepsMax: number;
  readonly log: (line: string) => void;
  /** Bearer tokens for the stack's services; absent for the built-in target. */
  readonly tokenFor?: TokenFor;
  /** Real stack: each step prepares its delta uploads first (run-scenario.ts). */
  readonly prepareDeltas?: PrepareBounds;
  /** Process names by pid (the stack's servers, "generator"): their trees' CPU is summed. */
  readonly processNames?: ReadonlyMap<number, string>;
  /** The stack's ChunkServices: each step scrapes their part timings (run-scenario.ts). */
  readonly timingSources?: readonly string[];
  /** Runs one step; tests give their own (default: a run of the scenario at that rate). */
  readonly stepRunner?: StepRunner;
}

/** One step of the search, or undefined when it could not be run (a prepare bound). */
export type StepRunner = (
  o: KneeOptions,
  ratePerS: number,
) => Promise<{ step: KneeStep; results: Pick<Results, "saturation"> } | undefined>;

/** A first step that fails is halved this many times at most, down to kneeRateMinPerS. */
export const kneeHalvingsMax = 5;
export const kneeRateMinPerS = 1;

export interface KneeStep {
  /** Asked of the whole mix. */
  readonly ratePerS: number;
  /** The part of it that falls on operations the stack serves (the rest is not sent). */
  readonly servedRatePerS: number;
  readonly achievedPerS: number;
  readonly passed: boolean;
  readonly reasons: string[];
  readonly latencyMsP99ByOperation: Record<string, number>;
  readonly samplesByOperation: Record<string, number>;
  readonly processes: ProcessCpu[];
  readonly machineBusyCores: number;
  /** The disk busiest with I/O during the load (iostat %util / 100); null without disks. */
  readonly disk: { device: string; busyShare: number } | null;
  /** p99 of each of the services' own parts in the step's window; null without timings. */
  readonly serverPartsMsP99: Record<string, number> | null;
}

export interface KneeReport {
  readonly scenario: string;
  readonly askedPeakRatePerS: number;
  /** Operations the stack served and their share of the mix (1 when it serves them all). */
  readonly servedOperations: string[];
  readonly servedShare: number;
  readonly machineCores: number;
  readonly kneeRatePerS: number | null;
  readonly firstFailingRatePerS: number | null;
  readonly limitedBy: "target" | "generator" | "none";
  readonly saturatedFirst: string[];
  readonly steps: KneeStep[];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The share of the mix that falls on the given operations (1 when none is named). */
function servedShareOf(scenario: Scenario, served: readonly string[]): number {
  const mix = scenario.mix as Readonly<Record<string, number>>;
  const total = Object.values(mix).reduce((sum, v) => sum + v, 0);
  const part = served.reduce((sum, op) => sum + (mix[op] ?? 0), 0);
  return total > 0 && part > 0 ? part / total : 1;
}

/** Targets on HTTP operations only: the knee search runs without WebSocket devices. */
function stepReasons(r: Results, limits: DriverLimits): string[] {
  const reasons = r.targets
    .filter((t) => t.verdict === "missed" && !t.metric.startsWith("notification."))
    .map((t) => `${t.metric} ${t.measured} > ${t.max} (${t.claims.join(", ")})`);
  if (r.saturation.by !== "none") reasons.push(...r.saturation.reasons);
  if (r.inFlightPeak >= limits.connectionsMax) {
    reasons.push(
      `driver pool full: ${r.inFlightPeak} in flight on ${limits.connectionsMax} connections`,
    );
  }
  return reasons;
}

async function runStep(
  o: KneeOptions,
  ratePerS: number,
): Promise<{ step: KneeStep; results: Results }> {
  const scenario = applyOverrides(o.scenario, {
    ratePerS,
    durationS: o.stepDurationS,
    warmupS: Math.min(2, o.stepDurationS / 5),
  });
  // CPU is counted over the load alone: the prepare phase's encoding is the generator's, not the stack's.
  let before = cpuSnapshot();
  let startedAt = performance.now();
  const results = await runScenario({
    onLoadStart: () => {
      before = cpuSnapshot();
      startedAt = performance.now();
    },
    scenario: { ...scenario, websocket: undefined },
    baseUrl: o.baseUrl,
    targetLabel: o.targetLabel,
    limits: o.limits,
    ...(o.tokenFor ? { tokenFor: o.tokenFor } : {}),
    ...(o.prepareDeltas ? { prepareDeltas: o.prepareDeltas } : {}),
    ...(o.timingSources ? { timingSources: o.timingSources } : {}),
    overrides: { ratePerS },
    version: syncbenchVersion(),
    log: o.log,
  });
  const after = cpuSnapshot();
  const wallMs = performance.now() - startedAt;
  const reasons = stepReasons(results, o.limits);
  const measured = results.operations.flatMap((op) => (op.status === "measured" ? [op] : []));
  const parts = results.serverParts?.parts;
  const step: KneeStep = {
    ratePerS,
    servedRatePerS: round2(
      ratePerS *
        servedShareOf(
          o.scenario,
          measured.map((op) => op.name),
        ),
    ),
    achievedPerS: Math.round(results.rate.achievedPerS),
    passed: reasons.length === 0,
    reasons,
    latencyMsP99ByOperation: Object.fromEntries(measured.map((op) => [op.name, op.latencyMs.p99])),
    samplesByOperation: Object.fromEntries(measured.map((op) => [op.name, op.latencyMs.count])),
    processes: cpuByName(before, after, wallMs, o.processNames),
    machineBusyCores: machineBusyCores(before, after, wallMs),
    disk: busiestDisk(before, after, wallMs),
    serverPartsMsP99: parts
      ? Object.fromEntries(Object.entries(parts).map(([name, p]) => [name, p.ms.p99]))
      : null,
  };
  o.log(
    `knee step ${ratePerS.toFixed(0)} req/s: achieved ${step.achievedPerS}, ` +
      `${step.passed ? "held" : `failed: ${reasons.join("; ")}`}`,
  );
  return { step, results };
}

/**
 * A step the generator could not keep on time is run once more: a shared machine has bursts.
 * A step whose delta uploads exceed the prepare phase's bounds is not run: undefined.
 */
async function runStepRetrying(o: KneeOptions, ratePerS: number) {
  let first: Awaited<ReturnType<typeof runStep>>;
  try {
    first = await runStep(o, ratePerS);
  } catch (error) {
    if (!isSyncbenchError(error, "PREPARE_BOUND_EXCEEDED")) throw error;
    o.log(`knee search stops before ${ratePerS.toFixed(0)} req/s: ${error.message}`);
    return undefined;
  }
  if (first.results.saturation.by !== "generator") return first;
  o.log(`knee step ${ratePerS.toFixed(0)} req/s was generator-bound; running it once more`);
  return runStep(o, ratePerS);
}

export async function findKnee(o: KneeOptions): Promise<KneeReport> {
  const peak = arrivalPeakRatePerS(o.scenario.arrival);
  const steps: KneeStep[] = [];
  let pass: number | null = null;
  let fail: number | null = null;
  let limitedBy: KneeReport["limitedBy"] = "none";
  const run = o.stepRunner ?? runStepRetrying;
  for (let rate = Math.min(o.startRatePerS, peak); fail === null; rate = Math.min(rate * 2, peak)) {
    const ran = await run(o, rate);
    if (!ran) break;
    const { step, results } = ran;
    steps.push(step);
    if (results.saturation.by === "generator") {
      limitedBy = "generator";
      fail = rate;
      break;
    }
    if (step.passed) pass = rate;
    else fail = rate;
    if (rate >= peak) break;
  }
  // The first step failed on its targets: the knee lies below the start (a slow machine), so
  // halve until a step holds, then bisect between it and the lowest rate that failed.
  for (
    let i = 0, rate = (fail ?? 0) / 2;
    pass === null && fail !== null && limitedBy !== "generator" && i < kneeHalvingsMax;
    i++, rate = Math.round((rate / 2) * 100) / 100
  ) {
    if (rate < kneeRateMinPerS) break;
    o.log(`knee step ${fail} req/s failed first: trying ${rate} req/s`);
    const ran = await run(o, rate);
    if (!ran) break;
    steps.push(ran.step);
    if (ran.results.saturation.by === "generator") {
      limitedBy = "generator";
      break;
    }
    if (ran.step.passed) pass = rate;
    else fail = rate;
  }
  if (fail !== null && limitedBy !== "generator") limitedBy = "target";
  for (
    let i = 0;
    i < o.bisectStepsMax && pass !== null && fail !== null && limitedBy === "target";
    i++
  ) {
    const rate = Math.round(((pass + fail) / 2) * 100) / 100;
    if (fail - pass <= Math.max(1, pass * 0.05)) break;
    const ran = await run(o, rate);
    if (!ran) break;
    const { step, results } = ran;
    steps.push(step);
    if (results.saturation.by === "generator") break;
    if (step.passed) pass = rate;
    else fail = rate;
  }
  const failing = steps.find((s) => s.ratePerS === fail);
  const held = steps.find((s) => s.ratePerS === pass);
  const machineCores = availableParallelism();
  const served = steps[0] ? Object.keys(steps[0].samplesByOperation) : [];
  return {
    scenario: o.scenario.name,
    askedPeakRatePerS: peak,
    servedOperations: served,
    servedShare: round2(servedShareOf(o.scenario, served)),
    machineCores,
    kneeRatePerS: pass,
    firstFailingRatePerS: fail,
    limitedBy,
    saturatedFirst: diagnoseKnee(failing, held, machineCores),
    steps,
  };
}
