// The running stack as `syncbench probe security` sees it: the gateway and CDN addresses, the S3
// endpoint with its keys, the block URL key (to sign expired block URLs), the
// services' JWT secret and the shard mapping (decision 0002), so the probe can pick two users on
// one shard. Structural: scenarios/security/ states the shape it needs, nothing here imports it.
import { SyncbenchError } from "../core/errors.ts";
import { shardIndexOf } from "../stores/metadata-db/shard-router.ts";
import type { Endpoints } from "./endpoints.ts";
import type { StackProvider } from "./provider.ts";

export function probeTarget(
  endpoints: Endpoints,
  secrets: { readonly jwtSecret: string; readonly blockUrlKey?: string | undefined },
) {
  return {
    gatewayUrl: endpoints.gatewayUrl,
    cdnUrl: endpoints.cdnUrl,
    s3: endpoints.s3,
    jwtSecret: secrets.jwtSecret,
    blockUrlKey: secrets.blockUrlKey,
    shardOf: shardIndexOf,
  };
}

/** The target of the stack a provider runs; exit 3 when it starts no ChunkService to attack. */
export async function stackProbeTarget(
  provider: StackProvider,
): Promise<ReturnType<typeof probeTarget>> {
  const secrets = provider.secrets();
  if (secrets === undefined) {
    throw new SyncbenchError(
      "ENV_PROBE_UNAVAILABLE",
      `the ${provider.name} stack starts no ChunkService, ` +
        "so there is nothing to attack; nothing was probed",
      { hint: "npx syncbench up --provider native" },
    );
  }
  return probeTarget(await provider.endpointsWithSecrets(), secrets);
}
