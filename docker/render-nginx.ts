// Prints the nginx.conf that docker/compose.yaml mounts, rendered from the same template as the
// native and testcontainers stacks, the pools at the compose file's service containers:
//   npx tsx docker/render-nginx.ts > docker/nginx.conf
import type { ServiceKind } from "../reference-impl/stack/native/app-services.ts";
import { defaultNativeConfig } from "../reference-impl/stack/native/native-config.ts";
import { renderContainerNginxConfFor } from "../reference-impl/stack/testcontainers/testcontainers-config.ts";

process.stdout.write(renderContainerNginxConfFor(composeServicePools()));

/** The service containers docker/compose.yaml declares: the native stack's default pool sizes. */
function composeServicePools(): { name: string; port: number; kind: ServiceKind }[] {
  const c = defaultNativeConfig("/");
  const pools: [ServiceKind, number, number][] = [
    ["chunk-service", c.chunkServiceCount, c.ports.chunkServiceBase],
    ["download-service", c.downloadServiceCount, c.ports.downloadServiceBase],
    ["notification-service", c.notificationServiceCount, c.ports.notificationServiceBase],
  ];
  return pools.flatMap(([kind, count, base]) =>
    Array.from({ length: count }, (_, i) => ({ name: `${kind}-${i + 1}`, port: base + i, kind })),
  );
}
