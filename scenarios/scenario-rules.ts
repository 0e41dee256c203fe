// Cross-field rules of a scenario that a per-field schema cannot state: the mix sums to 1,
// every operation in the mix has its parameters, min <= max, warm-up shorter than the run,
// and every target names a metric the run will measure. They read the raw input defensively
// so that they run even when other fields are invalid, and every problem is listed at once.
import { didYouMean } from "./did-you-mean.ts";
import { httpOperationNames, targetMetricPattern } from "./scenario.ts";

export type ScenarioIssueCode =
  | "SCENARIO_NOT_JSON"
  | "SCENARIO_UNKNOWN_KEY"
  | "SCENARIO_MISSING_KEY"
  | "SCENARIO_WRONG_TYPE"
  | "SCENARIO_OUT_OF_RANGE"
  | "SCENARIO_BAD_VALUE"
  | "SCENARIO_MIX_SUM"
  | "SCENARIO_UNKNOWN_METRIC"
  | "SCENARIO_TARGET_UNMEASURED";

export interface ScenarioIssue {
  readonly code: ScenarioIssueCode;
  /** Dotted path, e.g. "arrival.ratePerS"; "" for the root. */
  readonly path: string;
  readonly message: string;
}

type Raw = Record<string, unknown>;

const mixSumTolerance = 1e-6;

function record(value: unknown): Raw | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Raw) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Every metric name a target may use, for did-you-mean. */
export const knownTargetMetrics: readonly string[] = [
  ...httpOperationNames.flatMap((op) =>
    ["latencyMsP50", "latencyMsP99", "latencyMsP999", "errorRate"].map((m) => `${op}.${m}`),
  ),
  "notification.freshnessMsP50",
  "notification.freshnessMsP99",
  "notification.pushMsP99",
  "download.sharedMissRate",
  "run.droppedCount",
];

function mixIssues(raw: Raw): ScenarioIssue[] {
  const mix = record(raw.mix);
  if (!mix) return [];
  const weights = httpOperationNames.map((op) => (mix[op] === undefined ? 0 : num(mix[op])));
  if (weights.some((w) => w === undefined)) return [];
  const sum = weights.reduce<number>((a, w) => a + (w ?? 0), 0);
  const issues: ScenarioIssue[] = [];
  if (Math.abs(sum - 1) > mixSumTolerance) {
    issues.push({
      code: "SCENARIO_MIX_SUM",
      path: "mix",
      message: `mix weights must sum to 1, got ${Number(sum.toFixed(6))}`,
    });
  }
  httpOperationNames.forEach((op, i) => {
    if ((weights[i] ?? 0) > 0 && raw[op] === undefined && op !== "listFolder") {
      issues.push({
        code: "SCENARIO_MISSING_KEY",
        path: op,
        message: `${op} is required because mix.${op} is ${weights[i]}`,
      });
    }
  });
  return issues;
}

function minMaxIssue(raw: Raw, section: string, minKey: string, maxKey: string): ScenarioIssue[] {
  const block = record(raw[section]);
  const min = num(block?.[minKey]);
  const max = num(block?.[maxKey]);
  if (min === undefined || max === undefined || min <= max) return [];
  return [
    {
      code: "SCENARIO_OUT_OF_RANGE",
      path: `${section}.${minKey}`,
      message: `${section}.${minKey} must be <= ${section}.${maxKey} (${max}), got ${min}`,
    },
  ];
}

function durationIssues(raw: Raw): ScenarioIssue[] {
  const arrival = record(raw.arrival);
  const warmupS = num(raw.warmupS) ?? 0;
  let durationS = num(arrival?.durationS);
  if (Array.isArray(arrival?.stages)) {
    const lengths = arrival.stages.map((s) => num(record(s)?.durationS));
    durationS = lengths.every((d) => d !== undefined)
      ? lengths.reduce((a, d) => a + d!, 0)
      : undefined;
  }
  if (durationS === undefined || warmupS < durationS) return [];
  return [
    {
      code: "SCENARIO_OUT_OF_RANGE",
      path: "warmupS",
      message: `warmupS must be < the run's duration (${durationS} s), got ${warmupS}`,
    },
  ];
}

function targetIssues(raw: Raw): ScenarioIssue[] {
  const targets = record(raw.targets);
  if (!targets) return [];
  const mix = record(raw.mix) ?? {};
  const issues: ScenarioIssue[] = [];
  for (const metric of Object.keys(targets)) {
    const path = `targets.${metric}`;
    if (!targetMetricPattern.test(metric)) {
      const guess = didYouMean(metric, knownTargetMetrics);
      const suggestion = guess ? ` (did you mean "${guess}"?)` : "";
      issues.push({
        code: "SCENARIO_UNKNOWN_METRIC",
        path,
        message: `unknown target metric "${metric}"${suggestion}`,
      });
      continue;
    }
    const operation = metric.split(".")[0]!;
    const unmeasured =
      (operation === "notification" && raw.websocket === undefined) ||
      ((httpOperationNames as readonly string[]).includes(operation) &&
        !(num(mix[operation]) ?? 0));
    if (unmeasured) {
      issues.push({
        code: "SCENARIO_TARGET_UNMEASURED",
        path,
        message: `target "${metric}" names ${operation}, which this scenario does not run`,
      });
    }
  }
  return issues;
}

export function scenarioInputCrossChecks(input: unknown): ScenarioIssue[] {
  const raw = record(input);
  if (!raw) return [];
  return [
    ...mixIssues(raw),
    ...minMaxIssue(raw, "deltaUpload", "editBytesMin", "editBytesMax"),
    ...minMaxIssue(raw, "websocket", "devicesPerUserMin", "devicesPerUserMax"),
    ...durationIssues(raw),
    ...targetIssues(raw),
  ];
}
