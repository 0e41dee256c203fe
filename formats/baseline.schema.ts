// The gate's baseline ("syncbench.baseline", schemaVersion 1), written by `syncbench baseline
// update RESULTS` and read by `syncbench gate --baseline FILE`: for each percentile metric of a
// run that had enough samples, its value and the 95 % order-statistic interval of that percentile
// (reports/gate/README.md says how it is computed and how the gate uses it). Committed beside a
// CI job, it is edited only by regenerating it, or by lowering values to tighten it: each entry
// must keep ciLowMs <= valueMs <= ciHighMs, checked on read.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";
import { targetMetricNamePattern } from "./targets.schema.ts";

export const baselineSchemaVersion = 1;

export const baselineFormat: FormatDescription = {
  what: "baseline",
  kind: "syncbench.baseline",
  schemaVersion: baselineSchemaVersion,
  code: "BASELINE_INVALID",
};

export const baselineMetricSchema = z
  .strictObject({
    metric: z.string().regex(targetMetricNamePattern, "not a metric name"),
    valueMs: z.number().min(0),
    ciLowMs: z.number().min(0),
    ciHighMs: z.number().min(0),
    samplesCount: z.number().int().min(1),
  })
  .superRefine((m, ctx) => {
    if (!(m.ciLowMs <= m.valueMs && m.valueMs <= m.ciHighMs)) {
      ctx.addIssue({
        code: "custom",
        path: ["ciHighMs"],
        message:
          `must hold ciLowMs <= valueMs <= ciHighMs, got ${m.ciLowMs} <= ${m.valueMs} <= ` +
          `${m.ciHighMs} (to tighten a baseline by hand, lower all three)`,
      });
    }
  });

export const baselineSchema = z.strictObject({
  schemaVersion: z.literal(baselineSchemaVersion),
  kind: z.literal("syncbench.baseline"),
  /** The run it was made from. */
  source: z.strictObject({
    results: z.string(),
    scenario: z.string(),
    target: z.string(),
    startedAt: z.string(),
    seed: z.number().int(),
  }),
  /** Confidence of every interval, e.g. 0.95. */
  confidence: z.number().gt(0).lt(1),
  metrics: z.array(baselineMetricSchema),
});

export type BaselineMetric = DeepReadonly<z.output<typeof baselineMetricSchema>>;
export type BaselineFile = DeepReadonly<z.output<typeof baselineSchema>>;

/** Validates before writing. */
export function checkBaseline(value: unknown, source: string): BaselineFile {
  return checkFormat(baselineSchema, value, baselineFormat, source);
}

/** A baseline as text or parsed JSON -> BaselineFile, or BASELINE_INVALID naming the field. */
export function parseBaselineFile(input: unknown, source = "(input)"): BaselineFile {
  return parseFormat(baselineSchema, input, baselineFormat, source);
}
