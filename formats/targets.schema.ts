// A targets file ("syncbench.targets", schemaVersion 1) for `syncbench gate --targets FILE`: the
// bounds a run is judged against when they are not (or not only) the ones its scenario recorded,
// e.g. a CI job's own p99 bounds. Metrics are named as a scenario's targets
// (`<operation>.latencyMsP99`, `notification.freshnessMsP99`, `<operation>.errorRate`,
// `run.droppedCount`; also `<operation>.serviceTimeMsP90` and any `P<digits>` percentile).
// `samplesMin` overrides the gate's sample rule for that metric (reports/gate/README.md).
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const targetsSchemaVersion = 1;

export const targetsFormat: FormatDescription = {
  what: "targets file",
  kind: "syncbench.targets",
  schemaVersion: targetsSchemaVersion,
  code: "TARGETS_INVALID",
};

/** `<subject>.<aggregate>`: letters and digits, one dot. */
export const targetMetricNamePattern = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;

export const targetBoundSchema = z.strictObject({
  /** Upper bound the measured value must stay at or below (ms for latencies). */
  max: z.number().min(0),
  /** CLAIMS.md ids this target stands for, e.g. ["C09"]. */
  claims: z.array(z.string()).default([]),
  /** The figure in words, e.g. "delta upload p99 < 0.1 s". */
  figure: z.string().default(""),
  /** Fewest samples the metric needs to be judged at all; default: the gate's rule. */
  samplesMin: z.number().int().min(1).optional(),
});

export const targetsSchema = z.strictObject({
  schemaVersion: z.literal(targetsSchemaVersion),
  kind: z.literal("syncbench.targets"),
  targets: z
    .record(z.string().regex(targetMetricNamePattern, "not a metric name"), targetBoundSchema)
    .refine((t) => Object.keys(t).length > 0, { message: "at least one target" }),
});

export type TargetBound = DeepReadonly<z.output<typeof targetBoundSchema>>;
export type TargetsFile = DeepReadonly<z.output<typeof targetsSchema>>;

/** Validates before writing. */
export function checkTargets(value: unknown, source: string): TargetsFile {
  return checkFormat(targetsSchema, value, targetsFormat, source);
}

/** A targets file as text or parsed JSON -> TargetsFile, or TARGETS_INVALID naming the field. */
export function parseTargetsFile(input: unknown, source = "(input)"): TargetsFile {
  return parseFormat(targetsSchema, input, targetsFormat, source);
}
