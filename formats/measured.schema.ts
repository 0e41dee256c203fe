// The measured run calibration reads ("syncbench.measured-ops", schemaVersion 1): per operation
// the count, the rate achieved, end-to-end latency percentiles, and its parts (named stages,
// formats/part-names.ts) with their service times as percentiles and/or a histogram, and the
// concurrency that served them. `syncbench calibrate` makes it from a results.json
// (formats/measured-from-results.ts) or reads it as written by hand. Example:
//   { "schemaVersion": 1, "kind": "syncbench.measured-ops", "scenario": "design-peak-25k",
//     "durationS": 60, "operations": [{ "name": "deltaUpload", "count": 12000,
//     "rateAchievedPerS": 200, "latencyMs": { "p50": 41.2, "p99": 88.0 },
//     "parts": [{ "name": "chunkService.deltaApply", "servers": 2,
//                 "serviceTimeMs": { "p50": 28.1, "p99": 61.0 },
//                 "histogram": { "boundsMs": [0, 10, 20, 40, 80], "counts": [3, 50, 40, 7] } },
//               { "name": "s3.read", "servers": null,
//                 "serviceTimeMs": { "p50": 18, "p99": 40 } }] }] }
// "servers": null marks a stage without a queue (a pure delay: S3, network).
import { z } from "zod";
import {
  checkFormat,
  issueLines,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";
import { unknownPartProblem } from "./part-names.ts";

export const measuredSchemaVersion = 1;

export const measuredLimits = {
  operationsMax: 64,
  partsMax: 32,
  bucketsMax: 100_000,
  serversMax: 100_000,
  rateMaxPerS: 1e7,
} as const;

export const measuredFormat: FormatDescription = {
  what: "measured run",
  kind: "syncbench.measured-ops",
  schemaVersion: measuredSchemaVersion,
  code: "SIM_MEASURED_INVALID",
};

const positiveMs = z.number().positive();

export const percentilesSchema = z
  .strictObject({ p50: positiveMs, p99: positiveMs, mean: z.number().min(0).optional() })
  .superRefine((p, ctx) => {
    if (typeof p.p50 === "number" && typeof p.p99 === "number" && p.p99 < p.p50) {
      ctx.addIssue({
        code: "custom",
        path: ["p99"],
        message: `must be ≥ p50 (${p.p50})`,
        input: p.p99,
      });
    }
  });

export const bucketHistogramSchema = z
  .strictObject({
    /** Bucket edges in ms, ascending, length = counts.length + 1. */
    boundsMs: z.array(z.number().min(0)).max(measuredLimits.bucketsMax + 1),
    counts: z.array(z.number().min(0)).min(1).max(measuredLimits.bucketsMax),
  })
  .superRefine((h, ctx) => {
    if (!Array.isArray(h.boundsMs) || !Array.isArray(h.counts)) return;
    if (h.boundsMs.length !== h.counts.length + 1) {
      ctx.addIssue({
        code: "custom",
        path: ["boundsMs"],
        input: h.boundsMs.length,
        message: `length must be counts.length + 1 = ${h.counts.length + 1}`,
      });
    }
    h.boundsMs.forEach((b, i) => {
      if (i > 0 && b <= h.boundsMs[i - 1]!) {
        ctx.addIssue({
          code: "custom",
          path: ["boundsMs", i],
          message: "must be increasing",
          input: b,
        });
      }
    });
    if (h.counts.every((c) => c === 0)) {
      ctx.addIssue({ code: "custom", path: ["counts"], message: "all buckets are empty" });
    }
  });

export const measuredPartSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Null: a pure delay (no queue); else the servers that served the part concurrently. */
    servers: z.number().int().min(1).max(measuredLimits.serversMax).nullable(),
    serviceTimeMs: percentilesSchema.optional(),
    histogram: bucketHistogramSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.serviceTimeMs === undefined && p.histogram === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "needs serviceTimeMs or histogram" });
    }
  });

export const measuredOperationSchema = z
  .strictObject({
    name: z.string().min(1),
    count: z.number().int().min(1),
    rateAchievedPerS: z.number().positive().max(measuredLimits.rateMaxPerS),
    latencyMs: percentilesSchema,
    parts: z.array(measuredPartSchema).min(1).max(measuredLimits.partsMax),
  })
  .superRefine((o, ctx) => {
    if (!Array.isArray(o.parts)) return;
    o.parts.forEach((part, i) => {
      const problem =
        typeof part?.name === "string" && part.name !== ""
          ? unknownPartProblem(part.name, [o.name])
          : undefined;
      if (problem) ctx.addIssue({ code: "custom", path: ["parts", i, "name"], message: problem });
    });
  });

export const measuredRunSchema = z
  .strictObject({
    schemaVersion: z.literal(measuredSchemaVersion),
    kind: z.literal("syncbench.measured-ops"),
    scenario: z.string(),
    durationS: z.number().positive(),
    operations: z.array(measuredOperationSchema).min(1).max(measuredLimits.operationsMax),
    /**
     * Server-side timings per part over the measured window ("s3.read", "chunkService.deltaApply",
     * ...), named as the simulator's parts: what the services measured, not per operation.
     */
    serverParts: z.array(measuredPartSchema).max(measuredLimits.partsMax).optional(),
  })
  .superRefine((run, ctx) => {
    if (!Array.isArray(run.serverParts)) return;
    run.serverParts.forEach((part, i) => {
      const problem =
        typeof part?.name === "string" && part.name !== ""
          ? unknownPartProblem(part.name, [])
          : undefined;
      if (problem)
        ctx.addIssue({ code: "custom", path: ["serverParts", i, "name"], message: problem });
    });
  });

export type Percentiles = DeepReadonly<z.infer<typeof percentilesSchema>>;
export type HistogramInput = DeepReadonly<z.infer<typeof bucketHistogramSchema>>;
export type MeasuredPart = DeepReadonly<z.infer<typeof measuredPartSchema>>;
export type MeasuredOperation = DeepReadonly<z.infer<typeof measuredOperationSchema>>;
export type MeasuredRun = DeepReadonly<z.infer<typeof measuredRunSchema>>;

/** Every problem in a measured-run value, each with its path, the value seen and the limit. */
export function validateMeasuredRun(value: unknown): string[] {
  const parsed = measuredRunSchema.safeParse(value, { reportInput: true });
  return parsed.success ? [] : issueLines(parsed.error);
}

/** Validates a measured run before it is used or written: a producer bug stops here. */
export function checkMeasuredRun(value: unknown, source: string): MeasuredRun {
  return checkFormat(measuredRunSchema, value, measuredFormat, source);
}

/** A measured-ops file (text or parsed) -> MeasuredRun, or SIM_MEASURED_INVALID naming a field. */
export function parseMeasuredFile(input: unknown, source = "(input)"): MeasuredRun {
  return parseFormat(measuredRunSchema, input, measuredFormat, source);
}
