// plan.json ("syncbench.plan", schemaVersion 1): what `simulate plan --out` writes and
// `cost --plan` reads: the population and rate planned for, the counts per resource (the plan's),
// each row with the design's count beside it and the binding constraint, and the notes that
// state the margin and the assumptions. Checked on write and strictly on read.
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const planSchemaVersion = 1;

export const planFormat: FormatDescription = {
  what: "capacity plan",
  kind: "syncbench.plan",
  schemaVersion: planSchemaVersion,
  code: "PLAN_INVALID",
};

const count = z.number().int().min(0);

export const planSchema = z.strictObject({
  schemaVersion: z.literal(planSchemaVersion),
  kind: z.literal("syncbench.plan"),
  seed: z.number().int().min(0),
  /** "design-defaults" or the calibration file's path. */
  calibration: z.string(),
  users: z.number().int().min(1),
  devicesPerUser: z.number().positive(),
  ratePerS: z.number().positive(),
  connectedDevices: count,
  /** file_changed events per second at ratePerS: what the brokers were counted for. */
  eventRatePerS: z.number().min(0),
  /** Highest offered ρ any station may run at in the plan (the margin). */
  rhoMax: z.number().positive().max(1),
  /** The plan's counts, by the names the cost model prices. */
  counts: z.strictObject({
    apiGateway: count,
    uploadLb: count,
    downloadLb: count,
    chunkService: count,
    downloadService: count,
    notificationService: count,
    gcWorker: count,
    metadataShards: count,
    kafkaPartitions: count,
    kafkaBrokers: count,
  }),
  /** Cores of one ChunkService pod (the CPU-bound pool), as simulated. */
  chunkServiceCoresPerPod: z.number().int().min(1),
  rows: z.array(
    z.strictObject({ resource: z.string(), design: count, plan: count, binding: z.string() }),
  ),
  notes: z.array(z.string()),
});

export type CapacityPlanFile = DeepReadonly<z.infer<typeof planSchema>>;

/** Validates a plan before it is written. */
export function checkPlan(value: unknown, source: string): CapacityPlanFile {
  return checkFormat(planSchema, value, planFormat, source);
}

/** plan.json as text or parsed JSON -> CapacityPlanFile, or PLAN_INVALID naming the field. */
export function parsePlanFile(input: unknown, source = "(input)"): CapacityPlanFile {
  return parseFormat(planSchema, input, planFormat, source);
}
