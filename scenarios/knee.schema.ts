// The versioned file `run --find-knee` writes (schemaVersion 1, kind "knee"): each step's rate
// asked and achieved, whether the scenario's HTTP targets held, the reasons it failed and the
// busiest processes; the knee (highest passing rate) and what saturated first. Checked on write.
import { z } from "zod";
import { SyncbenchError } from "../reference-impl/core/errors.ts";

const processCpu = z.strictObject({ pid: z.number().int(), comm: z.string(), cores: z.number() });

export const kneeSchema = z.strictObject({
  schemaVersion: z.literal(1),
  kind: z.literal("knee"),
  target: z.string(),
  seed: z.number().int(),
  stepDurationS: z.number().positive(),
  scenario: z.string(),
  askedPeakRatePerS: z.number().min(0),
  kneeRatePerS: z.number().nullable(),
  firstFailingRatePerS: z.number().nullable(),
  limitedBy: z.enum(["target", "generator", "none"]),
  saturatedFirst: z.array(z.string()),
  steps: z.array(
    z.strictObject({
      ratePerS: z.number(),
      achievedPerS: z.number(),
      passed: z.boolean(),
      reasons: z.array(z.string()),
      latencyMsP99ByOperation: z.record(z.string(), z.number()),
      busiestProcesses: z.array(processCpu),
    }),
  ),
});

export type KneeFile = z.infer<typeof kneeSchema>;

export function checkKnee(value: unknown, source: string): KneeFile {
  const parsed = kneeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const list = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new SyncbenchError("RESULTS_INVALID", `knee file ${source} is invalid: ${list.join("; ")}`);
}
