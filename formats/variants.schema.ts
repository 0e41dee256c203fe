// What `syncbench compare-variants --out FILE` writes ("syncbench.variants", schemaVersion 1): the
// same edit workload run on the real stack under each of the design's variants (V0 whole-file
// upload + 5 s polling, V1 block upload + Kafka-fed polling, V2 delta + push + CDN; the flags of
// reference-impl/core/variants.ts), one entry per variant: bytes and requests per edit, upload
// latency (uploads paced to the variant's link speed), the other device's notification delay and
// its download. Percentiles are nearest-rank over the samples, which are few: p99 of 20 samples
// is their maximum, and the file says how many there were. The claims ledger reads it for C21,
// C34, C35 and C36.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const variantsSchemaVersion = 1;

export const variantsFormat: FormatDescription = {
  what: "variants comparison",
  kind: "syncbench.variants",
  schemaVersion: variantsSchemaVersion,
  code: "VARIANTS_INVALID",
};

const latency = z.strictObject({
  samplesCount: z.number().int().min(0),
  p50: z.number().min(0).nullable(),
  p99: z.number().min(0).nullable(),
  max: z.number().min(0).nullable(),
  mean: z.number().min(0).nullable(),
});

const flags = z.strictObject({
  upload: z.enum(["whole-file", "block", "delta"]),
  notify: z.enum(["poll", "kafka-poll", "push"]),
  pollIntervalS: z.number().positive(),
  cdn: z.boolean(),
  linkMbps: z.number().positive(),
  gcGraceHours: z.number().positive().nullable(),
  eventStream: z.boolean(),
  shardedMetadata: z.boolean(),
  multiAz: z.boolean(),
});

const variantRun = z.strictObject({
  variant: z.enum(["V0", "V1", "V2"]),
  flags,
  editsCount: z.number().int().min(1),
  upload: z.strictObject({
    /** Block or delta bytes per edit (what the design compares: 1 GB, 4 MB, 200 B). */
    payloadBytesPerEditMean: z.number().min(0),
    /** Every request body per edit, JSON of upload-init and commit included. */
    bodyBytesPerEditMean: z.number().min(0),
    requestsPerEditMean: z.number().min(0),
    /** upload-init sent to commit answered, bodies paced to flags.linkMbps. */
    latencyMs: latency,
  }),
  notification: z.strictObject({
    /** Commit answered on the editing device to the change applied on the other. */
    delayMs: latency,
    /** Edits the other device had not seen within the wait (they are not in delayMs). */
    missedCount: z.number().int().min(0),
    /** The watching device's requests per minute (polls, long-polls, or the one upgrade). */
    requestsPerMinute: z.number().min(0),
  }),
  download: z.strictObject({
    via: z.enum(["cdn", "s3"]),
    bytesPerEditMean: z.number().min(0),
    requestsPerEditMean: z.number().min(0),
    /** Content listing asked to last block byte read (not paced). */
    latencyMs: latency,
  }),
  wallS: z.number().min(0),
});

export const variantsSchema = z.strictObject({
  kind: z.literal(variantsFormat.kind),
  schemaVersion: z.literal(variantsSchemaVersion),
  scenario: z.string().min(1),
  seed: z.number().int().min(0),
  quick: z.boolean(),
  fileBytes: z.number().int().min(1),
  editBytes: z.number().int().min(1),
  startedAt: z.string(),
  loadavg: z.array(z.number()),
  runs: z.array(variantRun).min(1),
  notes: z.array(z.string()),
});

export type VariantsComparison = DeepReadonly<z.infer<typeof variantsSchema>>;
export type VariantRun = VariantsComparison["runs"][number];
export type LatencySummary = z.infer<typeof latency>;

/** Validates before writing. */
export function checkVariantsComparison(value: unknown, source: string): VariantsComparison {
  return checkFormat(variantsSchema, value, variantsFormat, source);
}

/** variants.json (text or parsed) -> VariantsComparison, or VARIANTS_INVALID naming the field. */
export function parseVariantsFile(input: unknown, source = "(input)"): VariantsComparison {
  return parseFormat(variantsSchema, input, variantsFormat, source);
}

/** Nearest-rank percentiles of a few samples (p99 of fewer than 100 is their maximum). */
export function summarizeLatency(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) {
    return { samplesCount: 0, p50: null, p99: null, max: null, mean: null };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    samplesCount: sorted.length,
    p50: round(rank(0.5)),
    p99: round(rank(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}
