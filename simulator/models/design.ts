// The architecture's parameters: the design document's figures (delta-sync-architecture.txt,
// claims C05-C30) and, where the document is silent, stated assumptions (marked ASSUMED).
// calibration.json overrides the service-time entries by part name; nothing else reads files.
import { modelPartNames, type ModelPartName } from "../../formats/part-names.ts";
import { lognormalFromMean, type VariateSpec } from "../core/variates.ts";

/** The model's parts: calibration.json's vocabulary, so their list lives in formats/. */
export const partNames = modelPartNames;
export type PartName = ModelPartName;

export const poolNames = ["apiGateway", "uploadLb", "downloadLb", "chunkService", "downloadService",
  "notificationService", "gcWorker"] as const;
export type PoolName = (typeof poolNames)[number];

export interface ArchitectureParameters {
  /** HTTP requests per second at the peak (C14: 25K). */
  readonly peakRps: number;
  /** Request mix; uploads : downloads = 1 : 3 (C15), as scenarios/library/design-peak-25k.ts. */
  readonly mix: { readonly deltaUpload: number; readonly newFileUpload: number; readonly download: number; readonly listFolder: number };
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
  peakRps: 25_000,
  mix: { deltaUpload: 0.2, newFileUpload: 0.04, download: 0.72, listFolder: 0.04 },
  users: { count: 700_000_000, zipfSkew: 0.99 }, // 700M users (C24); skew as the scenario library
  devicesPerUser: 2.5,
  // 15 ChunkService, 10 DownloadService, 20 NotificationService pods, 15 GC workers (design);
  // gateway and LB pod counts are ASSUMED.
  pods: { apiGateway: 10, uploadLb: 2, downloadLb: 2, chunkService: 15, downloadService: 10,
    notificationService: 20, gcWorker: 15 },
  // ASSUMED: 16-core ChunkService pods (30 ms of CPU per delta at 5,000/s needs 150 cores),
  // async I/O pools with 64 in-flight requests per pod elsewhere.
  workersPerPod: { apiGateway: 64, uploadLb: 256, downloadLb: 256, chunkService: 16, downloadService: 64,
    notificationService: 8, gcWorker: 1 },
  shardCount: 64,
  shardPoolSize: 8,
  partitionCount: 64,
  cdnHitRate: 0.6,
  service: {
    apiGateway: lognormalFromMean(ms(0.5), 1), // ASSUMED
    loadBalancer: lognormalFromMean(ms(0.2), 0.5), // ASSUMED
    // C05: ~30 ms reconstruction, the design's figure for a ChunkService's CPU per delta upload.
    // Calibrated, it is what the services spent per upload (process CPU / uploads), not the
    // delta apply alone: on the reference implementation the apply is ~3 ms of ~50.
    "chunkService.cpu": lognormalFromMean(ms(30), 0.3),
    "chunkService.verify": lognormalFromMean(ms(2), 0.5), // ASSUMED: SHA-256 of a small new file
    "s3.read": lognormalFromMean(ms(20), 0.5), // C06: ~20 ms S3 read of the base block
    "s3.write": lognormalFromMean(ms(20), 0.5), // ASSUMED equal to the read
    "metadataDb.query": lognormalFromMean(ms(2), 1), // C16: ~2 ms per cached lookup
    "metadataDb.commit": lognormalFromMean(ms(3), 1), // ASSUMED
    "metadataDb.listPage": lognormalFromMean(ms(30), 0.5), // C25: 1,000-row page ~30 ms
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

/** The design's latency targets (seconds), named as scenarios/library/design-peak-25k.ts. */
export const designTargets: ReadonlyArray<{ metric: string; className: string; quantile: number; maxS: number; claims: string[] }> = [
  { metric: "deltaUpload.latencyMsP99", className: "deltaUpload", quantile: 0.99, maxS: 0.1, claims: ["C09"] },
  { metric: "download.latencyMsP99", className: "download", quantile: 0.99, maxS: 0.05, claims: ["C12"] },
  { metric: "listFolder.latencyMsP50", className: "listFolder", quantile: 0.5, maxS: 0.03, claims: ["C25"] },
  { metric: "notification.freshnessMsP50", className: "notification", quantile: 0.5, maxS: 0.2, claims: ["C10"] },
  { metric: "notification.freshnessMsP99", className: "notification", quantile: 0.99, maxS: 2, claims: ["C11"] },
];

/** Parameters with some service parts replaced (from calibration.json). */
export function withService(base: ArchitectureParameters, overrides: Partial<Record<PartName, VariateSpec>>): ArchitectureParameters {
  return { ...base, service: { ...base.service, ...overrides } };
}
