// The running stack as the security probe sees it: its endpoints (from the provider's status, so
// per-stack S3 keys come from where every other command reads them), the services' JWT secret and
// the shard mapping. Shared by `syncbench probe security` and its integration test.
import { shardIndexOf } from "../reference-impl/stores/metadata-db/shard-router.ts";
import type { Endpoints } from "../reference-impl/stack/endpoints.ts";
import type { SecurityTarget } from "../scenarios/security/security-probe.ts";

export function securityTarget(endpoints: Endpoints, jwtSecret: string): SecurityTarget {
  return {
    gatewayUrl: endpoints.gatewayUrl,
    cdnUrl: endpoints.cdnUrl,
    s3: endpoints.s3,
    jwtSecret,
    shardOf: shardIndexOf,
  };
}
