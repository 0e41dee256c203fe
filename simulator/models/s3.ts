// BlockStore (S3) as pure delays: S3 scales out per prefix far beyond the request rates here,
// so it contributes latency but no queue (the SimPy-style "infinite server" station).
import type { StepSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";

export function s3ReadStep(p: ArchitectureParameters): StepSpec {
  return { delay: p.service["s3.read"], name: "s3Read" };
}

export function s3WriteStep(p: ArchitectureParameters): StepSpec {
  return { delay: p.service["s3.write"], name: "s3Write" };
}
