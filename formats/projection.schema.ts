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

export const projectionMetricSchema = z.strictObject({
  name: z.string().min(1),
  unit: z.string(),
  mean: z.number(),
  /** Half-width of the 95 % replication interval; null with one replication or a deterministic
   * model. */
  halfWidth: z.number().min(0).nullable(),
  replications: z.number().int().min(1),
  target: z
    .strictObject({ max: z.number(), claims: z.array(z.string()), verdict: verdictSchema })
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
});

export type Verdict = z.infer<typeof verdictSchema>;
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
