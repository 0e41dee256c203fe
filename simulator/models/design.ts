// The architecture's parameters: the design document's figures (reference-impl/core/
// design-figures.ts, claims C05-C30) and, where the document is silent, stated assumptions
// (marked ASSUMED).
// calibration.json overrides the service-time entries by part name; nothing else reads files.
import { modelPartNames, type ModelPartName } from "../../formats/part-names.ts";
import * as figures from "../../reference-impl/core/design-figures.ts";
import { lognormalFromMean, type VariateSpec } from "../core/variates.ts";

/** The model's parts: calibration.json's vocabulary, so their list lives in formats/. */
export const partNames = modelPartNames;
export type PartName = ModelPartName;

export const poolNames = [
  "apiGateway",
  "uploadLb",
  "downloadLb",
  "chunkService",
  "downloadService",
  "notificationService",
  "gcWorker",
] as const;
export type PoolName = (typeof poolNames)[number];

export interface ArchitectureParameters {
  /** HTTP requests per second at the peak (C14: 25K). */
  readonly peakRps: number;
  /** Request mix; uploads : downloads = 1 : 3 (C15), as scenarios/library/design-peak-25k.ts. */
  readonly mix: {
    readonly deltaUpload: number;
    readonly newFileUpload: number;
    readonly download: number;
    readonly listFolder: number;
  };
  readonly users: { readonly count: number; readonly zipfSkew: number };
  /** Devices notified per file_changed (C23: 2-3). */
  readonly devicesPerUser: number;
  readonly pods: Readonly<Record<PoolName, number>>;
  /** Concurrent requests one pod serves (cores for CPU-bound pools). ASSUMED where not stated. */
  readonly workersPerPod: Readonly<Record<PoolName, number>>;
  readonly shardCount: number;
  /** Connections per shard's pool. ASSUMED 8. */
  readonly shardPoolSize: number;
  readonly partitionCount: number;
  /** CDN hit probability for block downloads (C13: 60 %; cdn-hit-rate derives it). */
  readonly cdnHitRate: number;
  readonly service: Readonly<Record<PartName, VariateSpec>>;
}

const ms = (x: number) => x / 1000;

export const designDefaults: ArchitectureParameters = {
  peakRps: figures.peakRatePerS,
  mix: { ...figures.peakMix },
  // 700M users (C24); skew as the scenario library
  users: { count: figures.usersCount, zipfSkew: 0.99 },
  devicesPerUser: figures.devicesPerUserMean,
  // ChunkService, DownloadService, NotificationService pods and GC workers (design, C14);
  // gateway and LB pod counts are ASSUMED.
  pods: { apiGateway: 10, uploadLb: 2, downloadLb: 2, ...figures.podCounts },
  // ASSUMED: 16-core ChunkService pods (30 ms of CPU per delta at 5,000/s needs 150 cores),
  // async I/O pools with 64 in-flight requests per pod elsewhere.
  workersPerPod: {
    apiGateway: 64,
    uploadLb: 256,
    downloadLb: 256,
    chunkService: 16,
    downloadService: 64,
    notificationService: 8,
    gcWorker: 1,
  },
  shardCount: figures.shardCount,
  shardPoolSize: 8,
  partitionCount: figures.partitionCount,
  cdnHitRate: figures.cdnHitRateMin,
  service: {
    apiGateway: lognormalFromMean(ms(0.5), 1), // ASSUMED
    loadBalancer: lognormalFromMean(ms(0.2), 0.5), // ASSUMED
    // C05: ~30 ms reconstruction, the design's figure for a ChunkService's CPU per delta upload.
    // Calibrated, it is what the services spent per upload (process CPU / uploads), not the
    // delta apply alone: on the reference implementation the apply is ~3 ms of ~50.
    "chunkService.cpu": lognormalFromMean(ms(figures.serviceTimeMs.deltaReconstruct), 0.3),
    "chunkService.verify": lognormalFromMean(ms(2), 0.5), // ASSUMED: SHA-256 of a small new file
    // C06: ~20 ms S3 read of the base block
    "s3.read": lognormalFromMean(ms(figures.serviceTimeMs.baseBlockRead), 0.5),
    "s3.write": lognormalFromMean(ms(20), 0.5), // ASSUMED equal to the read
    // C16: ~2 ms per cached lookup
    "metadataDb.query": lognormalFromMean(ms(figures.serviceTimeMs.metadataCacheHitPerHash), 1),
    "metadataDb.commit": lognormalFromMean(ms(3), 1), // ASSUMED
    // C25: 1,000-row page ~30 ms
    "metadataDb.listPage": lognormalFromMean(ms(figures.serviceTimeMs.listPage), 0.5),
    "downloadService.resolve": lognormalFromMean(ms(1), 0.5), // ASSUMED: URL signing
    "cdn.edge": lognormalFromMean(ms(8), 0.5), // C12: sub-10 ms from edge
    "cdn.origin": lognormalFromMean(ms(22), 0.6), // C12: 20 ms+ from S3 on a miss
    "kafka.publish": lognormalFromMean(ms(5), 0.5), // ASSUMED (acks=all within an AZ)
    "kafka.notifyConsume": lognormalFromMean(ms(0.2), 1), // ASSUMED: route by user, Redis lookup batched
    "kafka.gcConsume": lognormalFromMean(ms(1), 1), // ASSUMED: batched ref-count updates
    "notificationService.push": lognormalFromMean(ms(0.5), 1), // ASSUMED: 2.5 devices × 0.2 ms
    "network.push": lognormalFromMean(ms(40), 0.8), // ASSUMED: WebSocket frame to the device
  },
};

/**
 * The design's latency targets in seconds, as the simulator checks them: figures.latencyTargets
 * with the claims each one decides.
 */
export const designTargets: ReadonlyArray<{
  metric: string;
  className: string;
  quantile: number;
  maxS: number;
  claims: string[];
}> = figures.latencyTargets.map((t) => ({
  metric: t.metric,
  className: t.operation,
  quantile: t.quantile,
  maxS: t.latencyMsMax / 1000,
  claims: [...t.claims],
}));

/** Parameters with some service parts replaced (from calibration.json). */
export function withService(
  base: ArchitectureParameters,
  overrides: Partial<Record<PartName, VariateSpec>>,
): ArchitectureParameters {
  return { ...base, service: { ...base.service, ...overrides } };
}
