// ApiGateway and the two load balancers (UploadLB, DownloadLB) as multi-server pools: each pod
// contributes `workersPerPod` concurrent requests; the per-request cost is proxying only.
import type { StationSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";

export function gatewayStations(p: ArchitectureParameters): StationSpec[] {
  return [
    {
      name: "apiGateway",
      servers: p.pods.apiGateway * p.workersPerPod.apiGateway,
      service: p.service.apiGateway,
    },
    {
      name: "uploadLb",
      servers: p.pods.uploadLb * p.workersPerPod.uploadLb,
      service: p.service.loadBalancer,
    },
    {
      name: "downloadLb",
      servers: p.pods.downloadLb * p.workersPerPod.downloadLb,
      service: p.service.loadBalancer,
    },
  ];
}
