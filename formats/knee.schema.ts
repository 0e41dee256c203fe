// The versioned file `run --find-knee` writes (schemaVersion 2, kind "knee"): each step's rate
// asked of the mix, the part of it on operations the stack serves, and achieved; whether the
// scenario's HTTP targets held and why not; samples per operation; CPU per process tree and of
// the machine; the services' own part p99s; the knee (highest passing rate) and what saturated
// first. Checked on write. Version 2 replaced busiestProcesses (pid, comm) with named trees.
import { z } from "zod";
import { checkFormat, parseFormat, type FormatDescription } from "./format-file.ts";

export const kneeSchemaVersion = 2;

/** Version 1 (busiestProcesses by pid) is refused on read, naming both versions: no migration. */
export const kneeFormat: FormatDescription = {
  what: "knee file",
  kind: "knee",
  schemaVersion: kneeSchemaVersion,
  code: "KNEE_INVALID",
};

const processCpu = z.strictObject({
  name: z.string(),
  pidsCount: z.number().int().min(1),
  cores: z.number().min(0),
});

export const kneeSchema = z.strictObject({
  schemaVersion: z.literal(kneeSchemaVersion),
  kind: z.literal("knee"),
  target: z.string(),
  seed: z.number().int(),
  stepDurationS: z.number().positive(),
  scenario: z.string(),
  askedPeakRatePerS: z.number().min(0),
  servedOperations: z.array(z.string()),
  servedShare: z.number().min(0).max(1),
  machineCores: z.number().int().min(1),
  kneeRatePerS: z.number().nullable(),
  firstFailingRatePerS: z.number().nullable(),
  limitedBy: z.enum(["target", "generator", "none"]),
  saturatedFirst: z.array(z.string()),
  steps: z.array(
    z.strictObject({
      ratePerS: z.number(),
      servedRatePerS: z.number().min(0),
      achievedPerS: z.number(),
      passed: z.boolean(),
      reasons: z.array(z.string()),
      latencyMsP99ByOperation: z.record(z.string(), z.number()),
      samplesByOperation: z.record(z.string(), z.number().int().min(0)),
      processes: z.array(processCpu),
      machineBusyCores: z.number().min(0),
      disk: z.strictObject({ device: z.string(), busyShare: z.number().min(0).max(1) }).nullable(),
      serverPartsMsP99: z.record(z.string(), z.number()).nullable(),
    }),
  ),
});

export type KneeFile = z.infer<typeof kneeSchema>;

/** Validates before writing. */
export function checkKnee(value: unknown, source: string): KneeFile {
  return checkFormat(kneeSchema, value, kneeFormat, source);
}

/** A knee file as text or parsed JSON -> KneeFile, or KNEE_INVALID naming the field. */
export function parseKneeFile(input: unknown, source = "(input)"): KneeFile {
  return parseFormat(kneeSchema, input, kneeFormat, source);
}
