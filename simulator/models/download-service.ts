// DownloadService pods: the I/O-bound read path. A download resolves path → block hashes on the
// user's shard, signs a CDN URL, and fetches the block from the CDN edge; a miss (probability
// 1 − hit rate, from the CDN model) adds the origin fetch from S3. Listings read one page.
import type { StationSpec, StepSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";

export function downloadServiceStations(p: ArchitectureParameters): StationSpec[] {
  return [
    {
      name: "downloadService",
      servers: p.pods.downloadService * p.workersPerPod.downloadService,
      service: p.service["downloadService.resolve"],
    },
  ];
}

export function downloadSteps(p: ArchitectureParameters): StepSpec[] {
  return [
    { station: "apiGateway" },
    { station: "downloadLb" },
    { station: "downloadService" },
    { station: "metadataShard" },
    { delay: p.service["cdn.edge"], name: "cdnEdge" },
    { delay: p.service["cdn.origin"], name: "cdnOrigin", probability: 1 - p.cdnHitRate },
  ];
}

export function listSteps(_p: ArchitectureParameters): StepSpec[] {
  return [
    { station: "apiGateway" },
    { station: "downloadLb" },
    { station: "downloadService" },
    { station: "metadataShardList" },
  ];
}
