// calibration.json ("syncbench.calibration", schemaVersion 1): a fitted service-time
// distribution per part (formats/part-names.ts), the fit's error against the measured
// percentiles, and the measured operations (rate, concurrency, latency) so --validate can replay
// the measured load. Strict on read: an unknown part name, a parameter that is not finite, is
// negative or out of its range, a missing field or an unknown key is an error naming the field.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";
import { measuredOperationSchema } from "./measured.schema.ts";
import { unknownPartProblem } from "./part-names.ts";

export const calibrationSchemaVersion = 1;

export const calibrationFormat: FormatDescription = {
  what: "calibration",
  kind: "syncbench.calibration",
  schemaVersion: calibrationSchemaVersion,
  code: "SIM_CALIBRATION_INVALID",
};

/** Buckets of an empirical distribution, at most (as a measured histogram's). */
export const empiricalBucketsMax = 100_000;

const seconds = z.number().positive();

/** A service-time distribution, in seconds: the serialisable form the simulator samples. */
export const variateSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("exponential"), meanS: seconds }),
  z.strictObject({ kind: z.literal("deterministic"), valueS: z.number().min(0) }),
  /** ln of the time in seconds ~ N(mu, sigma²). */
  z.strictObject({ kind: z.literal("lognormal"), mu: z.number(), sigma: z.number().min(0) }),
  z.strictObject({
    kind: z.literal("hyperexponential"),
    p: z.number().min(0).max(1),
    mean1S: seconds,
    mean2S: seconds,
  }),
  z
    .strictObject({
      kind: z.literal("empirical"),
      boundsS: z
        .array(z.number().min(0))
        .min(2)
        .max(empiricalBucketsMax + 1),
      counts: z.array(z.number().min(0)).min(1).max(empiricalBucketsMax),
    })
    .superRefine((h, ctx) => {
      if (!Array.isArray(h.boundsS) || !Array.isArray(h.counts)) return;
      if (h.boundsS.length !== h.counts.length + 1) {
        ctx.addIssue({
          code: "custom",
          path: ["boundsS"],
          input: h.boundsS.length,
          message: `length must be counts.length + 1 = ${h.counts.length + 1}`,
        });
      }
      h.boundsS.forEach((b, i) => {
        if (i > 0 && b <= h.boundsS[i - 1]!) {
          ctx.addIssue({
            code: "custom",
            path: ["boundsS", i],
            message: "must be increasing",
            input: b,
          });
        }
      });
      if (h.counts.every((c) => c === 0)) {
        ctx.addIssue({ code: "custom", path: ["counts"], message: "all buckets are empty" });
      }
    }),
]);

export const fittedPartSchema = z.strictObject({
  spec: variateSpecSchema,
  method: z.enum(["lognormal-percentiles", "lognormal-histogram", "empirical-histogram"]),
  /** Fitted vs measured percentile, in percent (what the fit loses). */
  p50ErrorPct: z.number(),
  p99ErrorPct: z.number(),
  samples: z.number().int().min(0).nullable(),
});

export const calibrationSchema = z
  .strictObject({
    schemaVersion: z.literal(calibrationSchemaVersion),
    kind: z.literal("syncbench.calibration"),
    source: z.strictObject({ file: z.string(), scenario: z.string() }),
    parts: z.record(z.string(), fittedPartSchema),
    operations: z.array(measuredOperationSchema),
  })
  .superRefine((c, ctx) => {
    if (typeof c.parts !== "object" || c.parts === null) return;
    const operations = Array.isArray(c.operations) ? c.operations.map((o) => String(o?.name)) : [];
    for (const name of Object.keys(c.parts)) {
      const problem = unknownPartProblem(name, operations);
      if (problem) ctx.addIssue({ code: "custom", path: ["parts", name], message: problem });
    }
  });

export type VariateSpecInput = DeepReadonly<z.infer<typeof variateSpecSchema>>;
export type FittedPart = DeepReadonly<z.infer<typeof fittedPartSchema>>;
export type Calibration = DeepReadonly<z.infer<typeof calibrationSchema>>;

/** Validates a calibration before it is written: a fit that produced NaN stops here. */
export function checkCalibration(value: unknown, source: string): Calibration {
  return checkFormat(calibrationSchema, value, calibrationFormat, source);
}

/** calibration.json (text or parsed) -> Calibration, or SIM_CALIBRATION_INVALID naming a field. */
export function parseCalibrationFile(input: unknown, source = "(input)"): Calibration {
  return parseFormat(calibrationSchema, input, calibrationFormat, source);
}
