// The Scenario type and its zod schema: a traffic mix as data (STYLE.md section 10). The schema
// is strict (unknown keys are errors) and carries every bound as a named limit, so that
// scenario-validate.ts can report each problem with its path, value and limit at once.
import { z } from "zod";
import { blockSizeBytes } from "../reference-impl/core/design-figures.ts";

/** Bounds checked where a scenario enters (STYLE.md section 6). */
export const scenarioLimits = {
  ratePerSMax: 100_000,
  durationSMax: 3_600,
  warmupSMax: 600,
  stagesMax: 100,
  usersCountMax: 100_000_000,
  blocksCountMax: 1_000_000,
  blockSizeBytes,
  blocksPerFileMax: 16,
  editBytesMax: blockSizeBytes,
  pageSizeMax: 1_000,
  devicesPerUserMax: 10,
  connectedUsersCountMax: 200_000,
  notificationRatePerSMax: 50_000,
  zipfSkewMax: 5,
} as const;

const L = scenarioLimits;

export const httpOperationNames = [
  "deltaUpload",
  "newFileUpload",
  "download",
  "listFolder",
] as const;
export type HttpOperationName = (typeof httpOperationNames)[number];

const weight = z.number().min(0).max(1);
const rate = z.number().positive().max(L.ratePerSMax);
const seconds = z.number().positive().max(L.durationSMax);
const spacing = z.enum(["poisson", "uniform"]);

const constantArrival = z.strictObject({
  kind: z.literal("constant-arrival-rate"),
  ratePerS: rate,
  durationS: seconds,
  spacing,
});

const stage = z.strictObject({ targetRatePerS: rate, durationS: seconds });

const rampingArrival = z.strictObject({
  kind: z.literal("ramping-arrival-rate"),
  startRatePerS: z.number().min(0).max(L.ratePerSMax),
  stages: z.array(stage).min(1).max(L.stagesMax),
  spacing,
});

const fileSize = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), bytes: z.number().int().min(1) }),
  z.strictObject({
    kind: z.literal("lognormal"),
    medianBytes: z.number().int().min(1),
    sigma: z.number().min(0).max(4),
  }),
]);

const targetSchema = z.strictObject({
  /** Upper bound the measured value must stay at or below. */
  max: z.number().min(0),
  /** CLAIMS.md ids this target stands for, e.g. ["C09"]. */
  claims: z.array(z.string().regex(/^C\d{2}$/)).min(1),
  /** The design figure in words, e.g. "delta upload p99 < 0.1 s". */
  figure: z.string().min(1),
});

export const targetMetricPattern = new RegExp(
  `^((${httpOperationNames.join("|")})\\.(latencyMsP50|latencyMsP99|latencyMsP999|errorRate)` +
    "|notification\\.(freshnessMsP50|freshnessMsP99|pushMsP99)|download\\.sharedMissRate" +
    "|run\\.droppedCount)$",
);

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string().min(1),
  arrival: z.discriminatedUnion("kind", [constantArrival, rampingArrival]),
  warmupS: z.number().min(0).max(L.warmupSMax).default(0),
  mix: z.strictObject({
    deltaUpload: weight.default(0),
    newFileUpload: weight.default(0),
    download: weight.default(0),
    listFolder: weight.default(0),
  }),
  users: z.strictObject({
    count: z.number().int().min(1).max(L.usersCountMax),
    zipfSkew: z.number().min(0).max(L.zipfSkewMax),
  }),
  deltaUpload: z
    .strictObject({
      editBytesMin: z.number().int().min(1).max(L.editBytesMax),
      editBytesMax: z.number().int().min(1).max(L.editBytesMax),
      deltaBytesPerEditByte: z.number().min(0.1).max(100).default(2),
      positions: z.enum(["uniform", "append"]).default("uniform"),
      /** The named delta-size variant the edit bytes follow (library/delta-size-models.ts). */
      sizeModel: z.enum(["c01-small-edit", "c08-block-fraction"]).optional(),
    })
    .optional(),
  newFileUpload: z
    .strictObject({
      size: fileSize,
      sizeBytesMax: z
        .number()
        .int()
        .min(1)
        .max(L.blockSizeBytes * L.blocksPerFileMax),
    })
    .optional(),
  download: z
    .strictObject({
      blocksCount: z.number().int().min(1).max(L.blocksCountMax),
      zipfSkew: z.number().min(0).max(L.zipfSkewMax),
      sharedFraction: weight,
    })
    .optional(),
  listFolder: z.strictObject({ pageSize: z.number().int().min(1).max(L.pageSizeMax) }).optional(),
  websocket: z
    .strictObject({
      devicesPerUserMin: z.number().int().min(1).max(L.devicesPerUserMax),
      devicesPerUserMax: z.number().int().min(1).max(L.devicesPerUserMax),
      connectedUsersCount: z.number().int().min(1).max(L.connectedUsersCountMax),
      notificationRatePerS: z.number().positive().max(L.notificationRatePerSMax),
    })
    .optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  targets: z.record(z.string(), targetSchema).default({}),
});

/** A scenario as written (defaults may be missing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioTarget = z.output<typeof targetSchema>;
export type Arrival = Scenario["arrival"];

/** The whole run length in seconds, warm-up included. */
export function arrivalDurationS(arrival: Arrival): number {
  if (arrival.kind === "constant-arrival-rate") return arrival.durationS;
  return arrival.stages.reduce((sum, s) => sum + s.durationS, 0);
}

/** The highest rate the arrival process asks for. */
export function arrivalPeakRatePerS(arrival: Arrival): number {
  if (arrival.kind === "constant-arrival-rate") return arrival.ratePerS;
  return Math.max(arrival.startRatePerS, ...arrival.stages.map((s) => s.targetRatePerS));
}

/** Operations with a non-zero share of the mix, in the fixed order of httpOperationNames. */
export function activeOperations(scenario: Scenario): HttpOperationName[] {
  return httpOperationNames.filter((name) => scenario.mix[name] > 0);
}
