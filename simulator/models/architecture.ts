// Composes the component models into one network: the upload path (gateway → UploadLB →
// ChunkService → S3 → MetadataDB shard → Kafka), the download path (gateway → DownloadLB →
// DownloadService → shard → CDN edge, origin on a miss), listings, and the two consumer groups
// that every file_changed feeds (NotificationService push, GCWorker ref counts).
import type { NetworkSpec } from "./network.ts";
import { chunkServiceStations, uploadSteps } from "./chunk-service.ts";
import { downloadServiceStations, downloadSteps, listSteps } from "./download-service.ts";
import type { ArchitectureParameters } from "./design.ts";
import { gatewayStations } from "./gateway.ts";
import { kafkaStations, gcSteps, notificationSteps } from "./kafka.ts";
import { metadataShardStations } from "./metadata-shards.ts";
import { notificationStations } from "./notification-service.ts";

export interface RunWindow {
  readonly durationS: number;
  readonly warmupS: number;
  readonly seed: number;
  /** Multiplies peakRps (scale-sweep). */
  readonly rateScale?: number;
}

export function architectureNetwork(p: ArchitectureParameters, window: RunWindow): NetworkSpec {
  const rate = p.peakRps * (window.rateScale ?? 1);
  return {
    stations: [
      ...gatewayStations(p),
      ...chunkServiceStations(p),
      ...downloadServiceStations(p),
      ...metadataShardStations(p),
      ...kafkaStations(p),
      ...notificationStations(p),
    ],
    classes: [
      { name: "deltaUpload", ratePerS: rate * p.mix.deltaUpload, steps: uploadSteps(p, "delta") },
      { name: "newFileUpload", ratePerS: rate * p.mix.newFileUpload, steps: uploadSteps(p, "new") },
      { name: "download", ratePerS: rate * p.mix.download, steps: downloadSteps(p) },
      { name: "listFolder", ratePerS: rate * p.mix.listFolder, steps: listSteps(p) },
      { name: "notification", ratePerS: 0, steps: notificationSteps(p) },
      { name: "gcEvent", ratePerS: 0, steps: gcSteps(p) },
    ],
    users: p.users,
    partitionCount: p.partitionCount,
    durationS: window.durationS,
    warmupS: window.warmupS,
    seed: window.seed,
  };
}
