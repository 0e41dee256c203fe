// `syncbench baseline update RESULTS`: the run's percentiles (p50, p90, p99, p99.9 of every
// measured operation's latency, and of the notifications' freshness) with their 95 % intervals,
// each only when it has the samples the gate's rule asks (quantile-ci.ts); the others are listed
// as skipped with the count they had, so a short run cannot become a baseline by accident.
import { checkBaseline, type BaselineFile } from "../../formats/baseline.schema.ts";
import type { Results } from "../../formats/results.schema.ts";
import { measure, parseMetric, samplesMinOf } from "./gate-metrics.ts";
import { confidenceLevel } from "./quantile-ci.ts";

export const baselinePercentiles = ["P50", "P90", "P99", "P999"] as const;

export interface BaselineUpdate {
  readonly baseline: BaselineFile;
  /** Metrics left out, each with why. */
  readonly skipped: readonly string[];
}

function candidateMetrics(results: Results): string[] {
  const names: string[] = [];
  for (const op of results.operations) {
    if (op.status !== "measured") continue;
    for (const p of baselinePercentiles) names.push(`${op.name}.latencyMs${p}`);
  }
  if (results.websocket) {
    for (const p of baselinePercentiles) names.push(`notification.freshnessMs${p}`);
  }
  return names;
}

/** The baseline of a run; `source` names the results file in the baseline. */
export function baselineFromResults(results: Results, source: string): BaselineUpdate {
  const metrics: BaselineFile["metrics"][number][] = [];
  const skipped: string[] = [];
  for (const metric of candidateMetrics(results)) {
    const spec = parseMetric(metric)!;
    const m = measure(spec, results);
    const need = samplesMinOf(spec, undefined);
    if (m.status === "not-measured") skipped.push(`${metric}: not measured (${m.reason})`);
    else if (m.samplesCount < need) {
      skipped.push(`${metric}: not enough samples (have ${m.samplesCount}, need ${need})`);
    } else {
      metrics.push({
        metric,
        valueMs: m.value,
        ciLowMs: m.ciLow ?? m.value,
        ciHighMs: m.ciHigh ?? m.value,
        samplesCount: m.samplesCount,
      });
    }
  }
  const scenario = typeof results.scenario.name === "string" ? results.scenario.name : "(unnamed)";
  const baseline = checkBaseline(
    {
      schemaVersion: 1,
      kind: "syncbench.baseline",
      source: {
        results: source,
        scenario,
        target: results.config.target,
        startedAt: results.startedAt,
        seed: results.config.seed,
      },
      confidence: confidenceLevel,
      metrics,
    },
    `made from ${source}`,
  );
  return { baseline, skipped };
}
