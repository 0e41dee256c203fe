// The projection file (projection.json) that `syncbench simulate` writes and reports/ reads
// ("syncbench.projection", schemaVersion 1): self-describing (experiment, seed, replications,
// the calibration it used, the options), with every figure a replication mean and its 95 %
// confidence interval, and every target a verdict. Checked before it is written and on read.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const projectionSchemaVersion = 1;

export const projectionFormat: FormatDescription = {
  what: "projection",
  kind: "syncbench.projection",
  schemaVersion: projectionSchemaVersion,
  code: "PROJECTION_INVALID",
};

export const verdictSchema = z.enum(["holds", "fails", "uncertain"]);

/**
 * What a verdict rests on (optional; absent in files written before it): "interval" (the 95 %
 * replication interval lies wholly on one side of the target), "deterministic" (one run of a
 * model that draws nothing at random), "unstable" (a station on the path was offered ρ ≥ 1:
 * verdict "fails"), "notSteady" (the figure grew from the window's first half to its second:
 * verdict "uncertain"), "undecided" (the interval straddles the target or one replication gave
 * none: verdict "uncertain", replicationsNeeded says how many would decide it).
 */
export const verdictBasisSchema = z.enum([
  "interval",
  "deterministic",
  "unstable",
  "notSteady",
  "undecided",
]);

/** Why a figure is no steady-state figure (absent when it is one). */
export const stabilitySchema = z.strictObject({
  status: z.enum(["unstable", "notSteady"]),
  /** Highest offered ρ (arrivals/s × mean service / servers) of the stations on the path. */
  offeredRho: z.number().min(0).optional(),
  /** Simulated seconds at the end of the measured window. */
  afterS: z.number().min(0),
  /** notSteady: the figure's population mean (s) in the window's first and second halves. */
  firstHalfMeanS: z.number().optional(),
  secondHalfMeanS: z.number().optional(),
});

export const projectionMetricSchema = z.strictObject({
  name: z.string().min(1),
  unit: z.string(),
  mean: z.number(),
  /** Half-width of the 95 % replication interval; null with one replication or a deterministic
   * model. */
  halfWidth: z.number().min(0).nullable(),
  replications: z.number().int().min(1),
  /** A quantile's histogram bucket width (same unit): the figure's resolution. */
  resolution: z.number().min(0).optional(),
  stability: stabilitySchema.optional(),
  target: z
    .strictObject({
      max: z.number(),
      claims: z.array(z.string()),
      verdict: verdictSchema,
      basis: verdictBasisSchema.optional(),
      /** basis "undecided": replications whose interval would be narrower than the margin to
       * the target; null when no count up to 100 would be (or one replication gave no spread). */
      replicationsNeeded: z.number().int().min(2).nullable().optional(),
    })
    .optional(),
});

export const tableRowSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

export const projectionSchema = z.strictObject({
  schemaVersion: z.literal(projectionSchemaVersion),
  kind: z.literal("syncbench.projection"),
  experiment: z.string().min(1),
  seed: z.number().int().min(0),
  replications: z.number().int().min(1),
  /** "design-defaults" or the calibration file's path, and the parts it replaced. */
  calibration: z.strictObject({ source: z.string(), parts: z.array(z.string()) }),
  options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  metrics: z.array(projectionMetricSchema),
  tables: z.record(z.string(), z.array(tableRowSchema)),
  notes: z.array(z.string()),
  simulator: z.strictObject({ events: z.number().int().min(0) }),
  /** The experiment's model draws nothing at random: one run, no replication interval. */
  deterministic: z.boolean().optional(),
});

export type Verdict = z.infer<typeof verdictSchema>;
export type VerdictBasis = z.infer<typeof verdictBasisSchema>;
export type ProjectionMetric = DeepReadonly<z.infer<typeof projectionMetricSchema>>;
export type TableRow = DeepReadonly<z.infer<typeof tableRowSchema>>;
export type Projection = DeepReadonly<z.infer<typeof projectionSchema>>;

/** Validates a projection before it is written: a model that produced NaN stops here. */
export function checkProjection(value: unknown, source: string): Projection {
  return checkFormat(projectionSchema, value, projectionFormat, source);
}

/** projection.json as text or parsed JSON -> Projection, or PROJECTION_INVALID naming the field. */
export function parseProjectionFile(input: unknown, source = "(input)"): Projection {
  return parseFormat(projectionSchema, input, projectionFormat, source);
}
