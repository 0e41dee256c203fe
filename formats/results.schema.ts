// The versioned results file of `syncbench run` ("syncbench.results", schemaVersion 1): what
// the simulator's calibration and the reports read. Validated on write and on read; a file
// alone is enough to rerun (effective scenario, config and seed are inside). Times are ms, rates
// per second, histograms are HdrHistogram compressed base64 of microsecond values
// (formats/hdr-histogram.ts: 1 µs .. 600 s, 3 digits).
import { z } from "zod";
import { histogramUsSchema } from "./hdr-histogram.ts";
import { checkFormat, parseFormat, type FormatDescription } from "./format-file.ts";

export const resultsSchemaVersion = 1;

const percentiles = z.strictObject({
  count: z.number().int().min(0),
  p50: z.number().min(0),
  p90: z.number().min(0),
  p99: z.number().min(0),
  p999: z.number().min(0),
  max: z.number().min(0),
  mean: z.number().min(0),
});

const counts = z.strictObject({
  /** Intended sends in the measured window (after warm-up). */
  scheduled: z.number().int().min(0),
  sent: z.number().int().min(0),
  ok: z.number().int().min(0),
  error: z.number().int().min(0),
  /** Due while the in-flight cap was reached: never sent (k6's dropped_iterations). */
  dropped: z.number().int().min(0),
});

/**
 * What the operation's responses carried over the measured window: bytes, and for responses from a
 * CDN edge (an X-Cache header) its hits and misses and the bytes each side served.
 */
const transfer = z.strictObject({
  responsesCount: z.number().int().min(0),
  /** Response body bytes, every step of the operation. */
  bodyBytes: z.number().int().min(0),
  /** Null: no response carried an X-Cache header (no CDN on the path, or the builtin target). */
  cdn: z
    .strictObject({
      hitCount: z.number().int().min(0),
      missCount: z.number().int().min(0),
      /** hitCount / (hitCount + missCount). */
      hitRatio: z.number().min(0).max(1),
      /** Body bytes the edge served from its cache (X-Cache: HIT). */
      bytesFromEdge: z.number().int().min(0),
      /** Body bytes the edge fetched from its origin, the DownloadService over S3 (MISS). */
      bytesFromOrigin: z.number().int().min(0),
    })
    .nullable(),
});

const measuredOperation = z.strictObject({
  name: z.string(),
  status: z.literal("measured"),
  counts,
  /**
   * Downloads only: the CDN edge's cache status of the measured window's block fetches, for
   * shared content (a block other users also download) and the rest; C13's hit rate is the
   * outcome sharedHit / (sharedHit + sharedMiss). Absent when the driver did not record it.
   */
  edgeCache: z
    .strictObject({
      sharedHitCount: z.number().int().min(0),
      sharedMissCount: z.number().int().min(0),
      otherHitCount: z.number().int().min(0),
      otherMissCount: z.number().int().min(0),
    })
    .optional(),
  /** Error code -> count, e.g. HTTP_503, ECONNRESET, UND_ERR_HEADERS_TIMEOUT. */
  errorsByCode: z.record(z.string(), z.number().int().min(1)),
  /**
   * Failures the driver decided without asking the stack, nothing sent (e.g.
   * DELTA_EDITS_EXHAUSTED: no prepared edit left; DELTA_FILE_QUEUE_FULL), by code. They are not
   * in counts.error nor errorsByCode, which hold the stack's errors only. Absent when there were
   * none, and in files written before it existed (whose counts.error included them).
   */
  driverErrorsByCode: z.record(z.string(), z.number().int().min(1)).optional(),
  /** From the intended send time to the end of the last step (coordinated-omission free). */
  latencyMs: percentiles,
  /** From the actual send to the end of the last step. */
  serviceTimeMs: percentiles,
  histograms: z.strictObject({ latencyUs: histogramUsSchema, serviceTimeUs: histogramUsSchema }),
  /** Absent in files written before it existed. */
  transfer: transfer.optional(),
});

const unavailableOperation = z.strictObject({
  name: z.string(),
  status: z.literal("not-available"),
  /** Why: e.g. "POST /v1/upload/init answered 404 (ChunkService not in this stack)". */
  reason: z.string(),
});

/**
 * What the services measured of themselves over the measured window (GET /internal/timings of
 * each ChunkService, snapshot at the end of warm-up and at the end minus the first), per part
 * named as the simulator's parts. Null: the target serves no timings (builtin, another stack).
 */
const serverParts = z.strictObject({
  /** Processes whose two snapshots were subtracted. */
  sources: z.array(z.strictObject({ url: z.string(), source: z.string() })),
  /** Processes left out, each with why (unreachable, restarted within the window). */
  excluded: z.array(z.string()),
  parts: z.record(z.string(), z.strictObject({ ms: percentiles, histogramUs: histogramUsSchema })),
  /**
   * CPU seconds the included processes spent in the window, summed; null when one of them did not
   * report its CPU. Absent in files written before it existed.
   */
  cpuSeconds: z.number().min(0).nullable().optional(),
  /**
   * Queue lengths the processes sampled over the window (runtime/queue-monitor.ts): the mean per
   * process and the share of samples at which something waited. Absent in older files.
   */
  queues: z
    .record(
      z.string(),
      z.strictObject({
        samplesCount: z.number().int().min(0),
        meanLength: z.number().min(0),
        busyShare: z.number().min(0).max(1),
      }),
    )
    .optional(),
});

const targetResult = z.strictObject({
  metric: z.string(),
  max: z.number(),
  claims: z.array(z.string()),
  figure: z.string(),
  measured: z.number().nullable(),
  verdict: z.enum(["held", "missed", "not-measured"]),
});

const websocketResult = z.strictObject({
  devicesCount: z.number().int().min(0),
  connectedCount: z.number().int().min(0),
  holderProcessCount: z.number().int().min(0),
  connectErrorsByCode: z.record(z.string(), z.number().int().min(1)),
  connectMs: percentiles,
  /** From forking the holders to every device connected (or failed): the connect rate. */
  connectPhaseMs: z.number().min(0),
  /** Present (true) when connecting stalled before every device settled: the run went on with
   * connectedCount devices (a slow machine is a figure, not a crash). */
  connectStalled: z.boolean().optional(),
  notificationsSentCount: z.number().int().min(0),
  deliveriesExpectedCount: z.number().int().min(0),
  deliveriesReceivedCount: z.number().int().min(0),
  /**
   * Built-in hub: from the event's publish time (monotonic clock) to the device's receipt. Real
   * stack: from the commit (the event's timestampMs) to the device's receipt.
   */
  freshnessMs: percentiles,
  freshnessHistogramUs: histogramUsSchema,
  /**
   * Real stack only: the commit -> device delay split by the stamps the notification carries:
   * commitToPublish (outbox -> Kafka), publishToConsume (Kafka -> NotificationService),
   * consumeToPush (log, registry, pod bus), pushToDevice (socket). Absent for the built-in hub.
   */
  freshnessPartsMs: z.record(z.string(), percentiles).optional(),
  /** Holder processes' RSS once connected, and its growth per device (no forced GC). */
  holderMemory: z
    .strictObject({ rssBytesTotal: z.number().min(0), bytesPerDevice: z.number() })
    .nullable(),
});

export const resultsSchema = z.strictObject({
  schemaVersion: z.literal(resultsSchemaVersion),
  kind: z.literal("syncbench.results"),
  tool: z.strictObject({ name: z.literal("syncbench"), version: z.string(), node: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The effective scenario after --rate/--scale/--duration, defaults filled. */
  scenario: z.record(z.string(), z.unknown()),
  config: z.strictObject({
    target: z.string(),
    seed: z.number().int(),
    warmupMs: z.number().min(0),
    measuredWindowMs: z.number().min(0),
    driver: z.record(z.string(), z.number()),
    overrides: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
  rate: z.strictObject({
    askedPerS: z.number().min(0),
    sentPerS: z.number().min(0),
    achievedPerS: z.number().min(0),
  }),
  sendLag: z.strictObject({
    ms: percentiles,
    histogramUs: histogramUsSchema,
    lateCount: z.number().int().min(0),
    lateThresholdMs: z.number().min(0),
  }),
  droppedCount: z.number().int().min(0),
  unfinishedCount: z.number().int().min(0),
  inFlightPeak: z.number().int().min(0),
  generatorCpuCores: z.number().min(0),
  /**
   * How late the generator's event loop ran its timers (perf_hooks monitorEventLoopDelay), ms.
   * Absent in files written before it existed.
   */
  eventLoopDelayMs: z
    .strictObject({ p50: z.number().min(0), p99: z.number().min(0), max: z.number().min(0) })
    .optional(),
  saturation: z.strictObject({
    saturated: z.boolean(),
    /**
     * "generator" when its own work (CPU, or lag the event loop does not explain) makes the run
     * invalid; "target" when the stack is the limit. A late generator on a busy machine is a
     * "machine busy: ..." reason, not "generator" (scenarios/README.md).
     */
    by: z.enum(["none", "generator", "target"]),
    reasons: z.array(z.string()),
  }),
  operations: z.array(z.discriminatedUnion("status", [measuredOperation, unavailableOperation])),
  /**
   * Two rates of the measured window (issue 20): operations/s as the design counts its 25K peak
   * (C14: uploads + downloads + notifications; listings too), each upload's file_changed event
   * being one notification, and HTTP requests/s at the gateway (an upload is three requests).
   * Absent in files written before it existed.
   */
  throughput: z
    .strictObject({
      designOperationsPerS: z.number().min(0),
      /** The parts of designOperationsPerS, per second: uploads, downloads, listings, notifications. */
      designOperationsByKindPerS: z.record(z.string(), z.number().min(0)),
      gatewayRequestsPerS: z.number().min(0),
      /** HTTP requests each operation sends through the gateway (edge block fetches excluded). */
      gatewayRequestsPerOperation: z.record(z.string(), z.number().int().min(0)),
    })
    .optional(),
  websocket: websocketResult.nullable(),
  /** Why no devices ran: "not available in this stack" with the probe's answer; else null. */
  websocketUnavailable: z.string().nullable(),
  targets: z.array(targetResult),
  /** Absent in files written before it existed. */
  serverParts: serverParts.nullable().optional(),
  timeline: z.array(
    z.strictObject({
      tS: z.number().int(),
      sentCount: z.number().int().min(0),
      okCount: z.number().int().min(0),
      errorCount: z.number().int().min(0),
      droppedCount: z.number().int().min(0),
      latencyMsP99: z.number().min(0),
    }),
  ),
});

export type Results = z.infer<typeof resultsSchema>;
export type OperationResult = Results["operations"][number];
export type TransferResult = z.infer<typeof transfer>;
export type WebsocketResult = z.infer<typeof websocketResult>;
export type TargetResult = z.infer<typeof targetResult>;
export type ServerPartsResult = z.infer<typeof serverParts>;

export const resultsFormat: FormatDescription = {
  what: "results",
  kind: "syncbench.results",
  schemaVersion: resultsSchemaVersion,
  code: "RESULTS_INVALID",
};

/** Validates before writing: a producer bug never reaches the calibration. */
export function checkResults(value: unknown, source: string): Results {
  return checkFormat(resultsSchema, value, resultsFormat, source);
}

/** results.json (text or parsed) -> Results, or RESULTS_INVALID naming the field. */
export function parseResultsFile(input: unknown, source = "(input)"): Results {
  return parseFormat(resultsSchema, input, resultsFormat, source);
}
