// ChunkService pods: the CPU-bound upload path. A delta upload reads the base block from S3
// (C06), holds a core for its CPU work (C05's reconstruction and SHA-256 in the design; measured,
// all the CPU a ChunkService spends per upload), writes the new block, then commits on the
// user's MetadataDB shard and publishes file_changed (two consumer groups).
import type { StationSpec, StepSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";
import { s3ReadStep, s3WriteStep } from "./s3.ts";

export function chunkServiceStations(p: ArchitectureParameters): StationSpec[] {
  return [
    {
      name: "chunkService",
      servers: p.pods.chunkService * p.workersPerPod.chunkService,
      service: p.service["chunkService.cpu"],
    },
    {
      name: "chunkServiceVerify",
      servers: p.pods.chunkService * p.workersPerPod.chunkService,
      service: p.service["chunkService.verify"],
    },
  ];
}

export function uploadSteps(p: ArchitectureParameters, kind: "delta" | "new"): StepSpec[] {
  const work: StepSpec[] =
    kind === "delta"
      ? [s3ReadStep(p), { station: "chunkService" }]
      : [{ station: "chunkServiceVerify" }];
  return [
    { station: "apiGateway" },
    { station: "uploadLb" },
    { station: "metadataShard" },
    ...work,
    s3WriteStep(p),
    { station: "metadataShardCommit" },
    { delay: p.service["kafka.publish"], name: "kafkaPublish" },
    { spawn: "notification" },
    { spawn: "gcEvent" },
  ];
}
