// `syncbench gate`: a run's metrics against targets and a baseline, one check per metric. A check
// fails when the target is missed (the measured value is above its max), when the metric regressed
// beyond the run-to-run noise (the run's whole 95 % interval lies above the baseline's whole
// interval widened by the tolerance), when the percentile has fewer samples than it needs ("not
// enough samples (have n, need m)"), or when it was not measured at all: unmeasured never passes.
// Pure: results, targets and baseline in, checks out; gate-output.ts prints them.
import type { BaselineFile, BaselineMetric } from "../../formats/baseline.schema.ts";
import type { Results } from "../../formats/results.schema.ts";
import { measure, parseMetric, samplesMinOf, type Measurement } from "./gate-metrics.ts";
import { confidenceLevel } from "./quantile-ci.ts";

/** A bound a run is judged against, from the run's scenario or a targets file. */
export interface GateTarget {
  readonly metric: string;
  readonly max: number;
  readonly claims: readonly string[];
  readonly figure: string;
  readonly samplesMin?: number | undefined;
}

export type GateVerdict = "pass" | "missed" | "regressed" | "not-enough-samples" | "not-measured";

export interface GateCheck {
  readonly metric: string;
  readonly verdict: GateVerdict;
  /** Why it failed, one sentence each; empty on a pass. */
  readonly failures: readonly string[];
  /** What a reader should know even on a pass (faster than the baseline, no baseline entry). */
  readonly notes: readonly string[];
  readonly measured: Extract<Measurement, { status: "measured" }> | null;
  readonly samplesMin: number;
  readonly target: GateTarget | null;
  readonly baseline: BaselineMetric | null;
}

export interface GateReport {
  readonly ok: boolean;
  readonly tolerancePct: number;
  readonly confidence: number;
  readonly checks: readonly GateCheck[];
  /** About the run as a whole: saturation, no targets. */
  readonly notes: readonly string[];
}

export interface GateInput {
  readonly results: Results;
  readonly targets: readonly GateTarget[];
  readonly baseline?: BaselineFile | undefined;
  /** Slowdown allowed beyond the noise before a regression is called, in %. */
  readonly tolerancePct: number;
}

export const tolerancePctDefault = 10;

const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : "∞");

function regression(
  m: Extract<Measurement, { status: "measured" }>,
  b: BaselineMetric,
  tol: number,
) {
  const bound = b.ciHighMs * (1 + tol / 100);
  const low = m.ciLow ?? m.value;
  if (low > bound) {
    return (
      `regressed: the run's 95 % interval starts at ${fmt(low)} ms, above the baseline's ` +
      `${fmt(b.ciHighMs)} ms + ${tol} % = ${fmt(bound)} ms (baseline ${fmt(b.valueMs)} ms)`
    );
  }
  return undefined;
}

function improvement(
  m: Extract<Measurement, { status: "measured" }>,
  b: BaselineMetric,
  tol: number,
) {
  const high = m.ciHigh ?? m.value;
  if (high * (1 + tol / 100) < b.ciLowMs) {
    return (
      `faster than the baseline beyond the noise (${fmt(high)} < ${fmt(b.ciLowMs)} ms): ` +
      "`syncbench baseline update` would record it"
    );
  }
  return undefined;
}

function checkMetric(
  metric: string,
  target: GateTarget | null,
  baseline: BaselineMetric | null,
  input: GateInput,
): GateCheck {
  const spec = parseMetric(metric);
  const samplesMin = target?.samplesMin ?? (spec ? samplesMinOf(spec, target?.max) : 1);
  const base = { metric, samplesMin, target, baseline, notes: [] as string[] };
  if (!spec) {
    const failures = [`not measured: syncbench cannot measure a metric named "${metric}"`];
    return { ...base, verdict: "not-measured", failures, measured: null };
  }
  const m = measure(spec, input.results);
  if (m.status === "not-measured") {
    return {
      ...base,
      verdict: "not-measured",
      failures: [`not measured: ${m.reason}`],
      measured: null,
    };
  }
  if (m.samplesCount < samplesMin) {
    const failures = [`not enough samples (have ${m.samplesCount}, need ${samplesMin})`];
    return { ...base, verdict: "not-enough-samples", failures, measured: m };
  }
  const failures: string[] = [];
  let verdict: GateVerdict = "pass";
  if (target && m.value > target.max) {
    failures.push(`missed: ${fmt(m.value)} > target ${fmt(target.max)}`);
    verdict = "missed";
  }
  if (baseline) {
    const regressed = regression(m, baseline, input.tolerancePct);
    if (regressed) {
      failures.push(regressed);
      if (verdict === "pass") verdict = "regressed";
    }
    const improved = improvement(m, baseline, input.tolerancePct);
    if (improved) base.notes.push(improved);
  }
  return { ...base, verdict, failures, measured: m };
}

/** Every target, then every baseline metric no target names (sorted), one check each. */
export function evaluateGate(input: GateInput): GateReport {
  const baselineByMetric = new Map((input.baseline?.metrics ?? []).map((b) => [b.metric, b]));
  const checks: GateCheck[] = [];
  const seen = new Set<string>();
  for (const target of input.targets) {
    if (seen.has(target.metric)) continue;
    seen.add(target.metric);
    checks.push(
      checkMetric(target.metric, target, baselineByMetric.get(target.metric) ?? null, input),
    );
  }
  const rest = [...baselineByMetric.keys()].filter((m) => !seen.has(m)).sort();
  for (const metric of rest)
    checks.push(checkMetric(metric, null, baselineByMetric.get(metric)!, input));
  const notes: string[] = [];
  if (checks.length === 0) notes.push("no target and no baseline: nothing was judged");
  const { saturation } = input.results;
  if (saturation.saturated) {
    notes.push(`the run was saturated by the ${saturation.by}: ${saturation.reasons.join("; ")}`);
  }
  // Nothing judged is not a pass either: a gate with no checks fails.
  const ok = checks.length > 0 && checks.every((c) => c.verdict === "pass");
  return { ok, tolerancePct: input.tolerancePct, confidence: confidenceLevel, checks, notes };
}
