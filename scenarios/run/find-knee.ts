// --find-knee: the highest arrival rate at which the stack still meets the scenario's HTTP
// targets. Doubles the rate from a low start until a step fails, then bisects between the last
// pass and the first failure; each step is a short open-model run. It stops early when the
// generator, not the stack, is the limit, and names what saturated first in the failing step:
// missed targets, unmet rate or drops, the busiest processes' CPU, a full connection pool.
import type { DriverLimits } from "../drivers/http-open-model.ts";
import type { TokenFor } from "../drivers/operations.ts";
import { busiest, cpuSnapshot, type ProcessCpu } from "../measure/process-cpu.ts";
import type { Results } from "../results.schema.ts";
import { arrivalPeakRatePerS, type Scenario } from "../scenario.ts";
import { applyOverrides } from "./effective.ts";
import { runScenario } from "./run-scenario.ts";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import type { PrepareBounds } from "../drivers/delta-prepare.ts";

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
}

export interface KneeStep {
  readonly ratePerS: number;
  readonly achievedPerS: number;
  readonly passed: boolean;
  readonly reasons: string[];
  readonly latencyMsP99ByOperation: Record<string, number>;
  readonly busiestProcesses: ProcessCpu[];
}

export interface KneeReport {
  readonly scenario: string;
  readonly askedPeakRatePerS: number;
  readonly kneeRatePerS: number | null;
  readonly firstFailingRatePerS: number | null;
  readonly limitedBy: "target" | "generator" | "none";
  readonly saturatedFirst: string[];
  readonly steps: KneeStep[];
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
  const before = cpuSnapshot();
  const startedAt = performance.now();
  const results = await runScenario({
    scenario: { ...scenario, websocket: undefined },
    baseUrl: o.baseUrl,
    targetLabel: o.targetLabel,
    limits: o.limits,
    ...(o.tokenFor ? { tokenFor: o.tokenFor } : {}),
    ...(o.prepareDeltas ? { prepareDeltas: o.prepareDeltas } : {}),
    overrides: { ratePerS },
    version: "0.1.0",
    log: o.log,
  });
  const busiestProcesses = busiest(before, cpuSnapshot(), performance.now() - startedAt);
  const reasons = stepReasons(results, o.limits);
  const latencyMsP99ByOperation = Object.fromEntries(
    results.operations.flatMap((op) =>
      op.status === "measured" ? [[op.name, op.latencyMs.p99]] : [],
    ),
  );
  const step: KneeStep = {
    ratePerS,
    achievedPerS: Math.round(results.rate.achievedPerS),
    passed: reasons.length === 0,
    reasons,
    latencyMsP99ByOperation,
    busiestProcesses,
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
  for (let rate = Math.min(o.startRatePerS, peak); fail === null; rate = Math.min(rate * 2, peak)) {
    const ran = await runStepRetrying(o, rate);
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
  if (fail !== null && limitedBy !== "generator") limitedBy = "target";
  for (
    let i = 0;
    i < o.bisectStepsMax && pass !== null && fail !== null && limitedBy === "target";
    i++
  ) {
    const rate = Math.round((pass + fail) / 2);
    if (fail - pass <= Math.max(1, pass * 0.05)) break;
    const ran = await runStepRetrying(o, rate);
    if (!ran) break;
    const { step, results } = ran;
    steps.push(step);
    if (results.saturation.by === "generator") break;
    if (step.passed) pass = rate;
    else fail = rate;
  }
  const failing = steps.find((s) => s.ratePerS === fail);
  const saturatedFirst = failing
    ? [
        ...failing.reasons,
        ...failing.busiestProcesses
          .slice(0, 3)
          .map((p) => `${p.comm} (pid ${p.pid}) ${p.cores} cores`),
      ]
    : [];
  return {
    scenario: o.scenario.name,
    askedPeakRatePerS: peak,
    kneeRatePerS: pass,
    firstFailingRatePerS: fail,
    limitedBy,
    saturatedFirst,
    steps,
  };
}
