// The design document's figures (design/delta-sync-architecture.txt), each typed out once, with
// the claim ids of design/CLAIMS.md it stands for and its unit in its name. Scenarios, the
// simulator's models, the k6 export, the stores and the claims ledger import them from here;
// design-figures.test.ts fails when one of these values is typed out again beside its name
// anywhere else in the source. Where the document gives a range or a word ("2-3", "4MB"), the
// reading chosen is stated. Pure data: no I/O.

/** A claim id of design/CLAIMS.md. */
export type ClaimId = `C${number}`;

/**
 * C01, C02, C07, C17, C34, C35: "splits into 4MB blocks". Read as 4 MiB, the reference
 * implementation's block (limits.ts re-exports it); C17's "1 GB = 250 hashes" is decimal, which
 * the ledger's arithmetic states.
 */
export const blockSizeBytes = 4 * 1024 * 1024;

/** C14: "25K RPS peak (upload + download + notifications)", HTTP requests per second. */
export const peakRatePerS = 25_000;

/** C15: "downloads outnumber uploads 3:1" (an input assumption of the design). */
export const downloadsPerUpload = 3;

/**
 * The peak's operation mix (fractions of peakRatePerS). Uploads 0.24 : downloads 0.72 is C15's
 * 3:1; listings (C25) take the rest. ASSUMED, the document being silent: the split of uploads
 * into deltas and new files (5:1) and the listings' 4 %.
 */
export const peakMix = {
  deltaUpload: 0.2,
  newFileUpload: 0.04,
  download: 0.72,
  listFolder: 0.04,
} as const;

/** Uploads per second at the peak (C14 × C15): each one a file_changed event, 6,000/s. */
export const peakUploadRatePerS = Math.round(
  peakRatePerS * (peakMix.deltaUpload + peakMix.newFileUpload),
);

/** C23: "Average user has 2-3 connected devices": the range and its midpoint (ASSUMED mean). */
export const devicesPerUserMin = 2;
export const devicesPerUserMax = 3;
export const devicesPerUserMean = (devicesPerUserMin + devicesPerUserMax) / 2;

/** C24: "700M users" over the MetadataDB shards. */
export const usersCount = 700_000_000;
/** C24: "each shard handles approximately 11M users" (the ledger checks it against 700M / 64). */
export const usersPerShardCountStated = 11_000_000;
/** C18: "100M connected devices". */
export const connectedDevicesCount = 100_000_000;

/** C24: MetadataDB "sharded by user_id across 64 partitions" (logical shards). */
export const shardCount = 64;
/** C30: the SyncStream topic's "64 partitions, partitioned by user_id". */
export const partitionCount = 64;

/**
 * Pods per pool. C14: 15 ChunkService, 10 DownloadService, 20 NotificationService (C18 too);
 * the 15 GCWorkers are the document's ("GCWorker (15 workers)") without a claim id.
 */
export const podCounts = {
  chunkService: 15,
  downloadService: 10,
  notificationService: 20,
  gcWorker: 15,
} as const;

/** C18: "20 pods with 5M connections each". */
export const connectionsPerPodCount = 5_000_000;
/**
 * C19: "approximately 2KB of memory" per WebSocket connection, read as 2 KiB: 5M × 2 KiB =
 * 10.24 GB, the document's "10GB per pod".
 */
export const memoryBytesPerConnection = 2 * 1024;

/** C13: "CDN hit rate exceeds 60%" for shared content. */
export const cdnHitRateMin = 0.6;

/** Service times the document states, in ms (the simulator's defaults before calibration). */
export const serviceTimeMs = {
  /** C04: "Client computes delta in ~50ms per block". */
  deltaEncode: 50,
  /** C05: "Server reconstructs in ~30ms". */
  deltaReconstruct: 30,
  /** C06: "20ms S3 read for base block". */
  baseBlockRead: 20,
  /** C16: "Cache hit on MetadataCache: 2ms per hash". */
  metadataCacheHitPerHash: 2,
  /** C25: 1,000 pages "over approximately 30 seconds", so ~30 ms per 1,000-row page. */
  listPage: 30,
} as const;

export type TargetOperation = "deltaUpload" | "download" | "listFolder" | "notification";

/** A latency figure of the design, as a target a measured or simulated quantile must meet. */
export interface LatencyTarget {
  /** Metric name as results.json and projection.json spell it. */
  readonly metric: string;
  readonly operation: TargetOperation;
  readonly quantile: number;
  readonly latencyMsMax: number;
  /** The claims this target decides: it holds only if the quantile is within latencyMsMax. */
  readonly claims: readonly ClaimId[];
  /**
   * Comparison claims whose V2 part is this same figure (C34: V0/V1/V2 upload times; C36: V0/V1/V2
   * sync delays): the target is evidence for them, but cannot decide them alone.
   */
  readonly partOfClaims: readonly ClaimId[];
  /** The document's words. */
  readonly statement: string;
}

export const latencyTargets: readonly LatencyTarget[] = [
  {
    metric: "deltaUpload.latencyMsP99",
    operation: "deltaUpload",
    quantile: 0.99,
    latencyMsMax: 100,
    claims: ["C09"],
    partOfClaims: ["C34"],
    statement: "delta upload p99 < 0.1 s",
  },
  {
    metric: "download.latencyMsP99",
    operation: "download",
    quantile: 0.99,
    latencyMsMax: 50,
    claims: ["C12"],
    partOfClaims: [],
    statement: "CDN download p99 < 50 ms",
  },
  {
    metric: "listFolder.latencyMsP50",
    operation: "listFolder",
    quantile: 0.5,
    latencyMsMax: serviceTimeMs.listPage,
    claims: ["C25"],
    partOfClaims: [],
    statement: "a 1,000-row page in ~30 ms",
  },
  {
    metric: "notification.freshnessMsP50",
    operation: "notification",
    quantile: 0.5,
    latencyMsMax: 200,
    claims: ["C10"],
    partOfClaims: ["C21"],
    statement: "push within ~200 ms",
  },
  {
    metric: "notification.freshnessMsP99",
    operation: "notification",
    quantile: 0.99,
    latencyMsMax: 2_000,
    claims: ["C11"],
    partOfClaims: ["C36"],
    statement: "sync p99 < 2 s",
  },
];

/** The latency target named `metric`; throws on a name that is not one (a programmer error). */
export function latencyTarget(metric: string): LatencyTarget {
  const target = latencyTargets.find((t) => t.metric === metric);
  if (!target) {
    throw new RangeError(
      `no design latency target "${metric}"; the targets are ` +
        latencyTargets.map((t) => t.metric).join(", "),
    );
  }
  return target;
}

/** One figure for the claims ledger: its value, unit and claims, in a stable order. */
export interface DesignFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly claims: readonly ClaimId[];
}

/** Every scalar figure above, for the claims ledger and reports (targets are latencyTargets). */
export const designFigures: readonly DesignFigure[] = [
  {
    name: "blockSizeBytes",
    value: blockSizeBytes,
    unit: "B",
    claims: ["C01", "C02", "C07", "C17", "C34", "C35"],
  },
  { name: "peakRatePerS", value: peakRatePerS, unit: "1/s", claims: ["C14"] },
  { name: "downloadsPerUpload", value: downloadsPerUpload, unit: "ratio", claims: ["C15"] },
  { name: "peakUploadRatePerS", value: peakUploadRatePerS, unit: "1/s", claims: ["C14", "C15"] },
  { name: "devicesPerUserMin", value: devicesPerUserMin, unit: "devices", claims: ["C23"] },
  { name: "devicesPerUserMax", value: devicesPerUserMax, unit: "devices", claims: ["C23"] },
  { name: "devicesPerUserMean", value: devicesPerUserMean, unit: "devices", claims: ["C23"] },
  { name: "usersCount", value: usersCount, unit: "users", claims: ["C24"] },
  {
    name: "usersPerShardCountStated",
    value: usersPerShardCountStated,
    unit: "users",
    claims: ["C24"],
  },
  { name: "connectedDevicesCount", value: connectedDevicesCount, unit: "devices", claims: ["C18"] },
  { name: "shardCount", value: shardCount, unit: "shards", claims: ["C24"] },
  { name: "partitionCount", value: partitionCount, unit: "partitions", claims: ["C30"] },
  { name: "podCounts.chunkService", value: podCounts.chunkService, unit: "pods", claims: ["C14"] },
  {
    name: "podCounts.downloadService",
    value: podCounts.downloadService,
    unit: "pods",
    claims: ["C14"],
  },
  {
    name: "podCounts.notificationService",
    value: podCounts.notificationService,
    unit: "pods",
    claims: ["C14", "C18"],
  },
  { name: "podCounts.gcWorker", value: podCounts.gcWorker, unit: "pods", claims: [] },
  {
    name: "connectionsPerPodCount",
    value: connectionsPerPodCount,
    unit: "connections",
    claims: ["C18"],
  },
  { name: "memoryBytesPerConnection", value: memoryBytesPerConnection, unit: "B", claims: ["C19"] },
  { name: "cdnHitRateMin", value: cdnHitRateMin, unit: "ratio", claims: ["C13"] },
  {
    name: "serviceTimeMs.deltaEncode",
    value: serviceTimeMs.deltaEncode,
    unit: "ms",
    claims: ["C04"],
  },
  {
    name: "serviceTimeMs.deltaReconstruct",
    value: serviceTimeMs.deltaReconstruct,
    unit: "ms",
    claims: ["C05"],
  },
  {
    name: "serviceTimeMs.baseBlockRead",
    value: serviceTimeMs.baseBlockRead,
    unit: "ms",
    claims: ["C06"],
  },
  {
    name: "serviceTimeMs.metadataCacheHitPerHash",
    value: serviceTimeMs.metadataCacheHitPerHash,
    unit: "ms",
    claims: ["C16"],
  },
  { name: "serviceTimeMs.listPage", value: serviceTimeMs.listPage, unit: "ms", claims: ["C25"] },
];

/**
 * The document's other stated figures, keyed by claim: mostly the results it states (a ratio, a
 * total, a delay, a cost) beside the inputs above, so the claims ledger (reports/claims/) can
 * recompute each result from the inputs and compare. Units are the document's, in the names;
 * MB, GB, PB and KB here are decimal (SI) as the document writes them, and the ledger prints
 * both readings wherever binary units (MiB, GiB) would change a verdict.
 */
export const stated = {
  C01: { editBytes: 100, deltaBytes: 200 },
  C02: { reductionFactor: 20_000 },
  C03: { uploadSavingsFractionMin: 0.95 },
  C06: { computeMs: 80 },
  C07: { netWinDeltaMB: 3.9 },
  C08: { deltaFractionMin: 0.01, deltaFractionMax: 0.1 },
  C12: { edgeLatencyMsMax: 10, originLatencyMsMin: 20 },
  C16: { fileGB: 1, hashCount: 250, dedupCheckMsMin: 10, dedupCheckMsMax: 15 },
  C17: { hashListKB: 16 },
  C19: { podMemoryGB: 10 },
  C20: { pollIntervalS: 5, pollingUsersCount: 100_000_000, pollingQps: 20_000_000 },
  C21: { pollingDelayMeanS: 2.5, speedupFactor: 10 },
  C22: {
    podsRestartedMin: 2,
    podsRestartedMax: 3,
    reconnectionsMax: 15_000_000,
    backoffSMin: 0.5,
    backoffSMax: 30,
  },
  C25: {
    filesCount: 1_000_000,
    rowBytes: 500,
    metadataMB: 500,
    rowsPerPage: 1_000,
    listingCallsCount: 1_000,
    listingS: 30,
  },
  C26: { versionsPerFilePerMonth: 10 },
  C27: { uploadGB: 50, linkMbps: 100, uploadMinutes: 67, graceHours: 72 },
  C28: { orphanShareOfStorage: 0.001 },
  C29: {
    storagePBMin: 3,
    storagePBMax: 5,
    usersCount: 1_000_000,
    dedupFractionMin: 0.3,
    dedupFractionMax: 0.5,
    scaleEBMin: 1,
  },
  C30: { capacityMsgPerS: 1_000_000, retentionDays: 7, notificationLagSMax: 1, gcLagSMax: 3_600 },
  C31: { costUsdPerMonth: { V0: 500, V1: 3_000, V2: 8_000 } },
  C32: { cloudFrontUsdPerGB: 0.085, s3EgressUsdPerGB: 0.09 },
  C33: { availability: { V0: 0.99, V1: 0.999, V2: 0.9995 } },
  C34: { v0UploadGB: 1, v0UploadSMin: 80, v1UploadS: 0.3 },
  C35: { editsPerDay: 10, chunkingMBPerDay: 40, deltaKBPerDay: 2 },
  C36: { syncDelaySMax: { V0: 5, V1: 5 } },
} as const;
