// The reference implementation's own processes, started by `up` after the servers are healthy:
// N ChunkService processes behind the UploadLB (ports chunkServiceBase + i). Each runs the
// TypeScript sources through tsx with the stack's endpoints and secrets in SYNCBENCH_* variables.
import { join } from "node:path";
import { endpointsToEnv, type Endpoints } from "../endpoints.ts";
import type { NativeConfig } from "./native-config.ts";
import { describeError, type HealthResult, type NativeService } from "./native-service.ts";
import { stackSecrets, type StackSecrets } from "./stack-secrets.ts";

// Kept here too: the CLI and benches import the stack's secrets from this module.
export { stackSecrets, type StackSecrets } from "./stack-secrets.ts";

async function checkHttp(url: string, implementation: string): Promise<HealthResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await response.arrayBuffer();
    return {
      healthy: response.ok,
      implementation,
      ...(response.ok ? {} : { detail: `${url} answered ${response.status}` }),
    };
  } catch (error) {
    return { healthy: false, implementation, detail: `${url}: ${describeError(error)}` };
  }
}

export function chunkServices(
  config: NativeConfig,
  repoRoot: string,
  endpoints: Endpoints,
): NativeService[] {
  return nodeServices(
    config,
    repoRoot,
    endpoints,
    "chunk-service",
    config.chunkServiceCount,
    config.ports.chunkServiceBase,
  );
}

/** K NotificationService processes behind the gateway's /v1/notifications route (ports notificationServiceBase + i). */
export function notificationServices(
  config: NativeConfig,
  repoRoot: string,
  endpoints: Endpoints,
): NativeService[] {
  return nodeServices(
    config,
    repoRoot,
    endpoints,
    "notification-service",
    config.notificationServiceCount,
    config.ports.notificationServiceBase,
  );
}

/** Each service process kind: the name `status` shows, and the secret it needs beside the JWT's. */
export const serviceKinds = {
  "chunk-service": {
    implementation: "ChunkService (node)",
    secretEnv: (secrets: StackSecrets) => ({ SYNCBENCH_POSSESSION_KEY: secrets.possessionKey }),
  },
  "download-service": {
    implementation: "DownloadService (node)",
    secretEnv: (secrets: StackSecrets) => ({ SYNCBENCH_BLOCK_URL_KEY: secrets.blockUrlKey }),
  },
  "notification-service": {
    implementation: "NotificationService (node)",
    secretEnv: (secrets: StackSecrets) => ({ SYNCBENCH_POSSESSION_KEY: secrets.possessionKey }),
  },
  "gc-worker": {
    implementation: "GcWorker (node)",
    secretEnv: () => ({}),
  },
} as const;

export type ServiceKind = keyof typeof serviceKinds;

/**
 * The environment one service process gets: the stack's endpoints, its port and pod id, the JWT
 * secret and its kind's own secret. Exported so the container stacks pass the same names.
 */
export function serviceProcessEnv(
  kind: ServiceKind,
  endpoints: Endpoints,
  secrets: StackSecrets,
  port: number,
  podId: string,
): Record<string, string> {
  return {
    ...endpointsToEnv(endpoints),
    SYNCBENCH_SERVICE_PORT: String(port),
    SYNCBENCH_POD_ID: podId,
    SYNCBENCH_JWT_SECRET: secrets.jwtSecret,
    ...serviceKinds[kind].secretEnv(secrets),
  };
}

/**
 * The one GcWorker process (`gc-worker`, supervised like the pools; the fault lab kills it by that
 * name): consumer group `gc`, expiry and the sweep, GET /healthz on its port.
 */
export function gcWorker(
  config: NativeConfig,
  repoRoot: string,
  endpoints: Endpoints,
): NativeService[] {
  return nodeServices(config, repoRoot, endpoints, "gc-worker", 1, config.ports.gcWorker);
}

function nodeServices(
  config: NativeConfig,
  repoRoot: string,
  endpoints: Endpoints,
  kind: ServiceKind,
  count: number,
  basePort: number,
): NativeService[] {
  const { implementation } = serviceKinds[kind];
  return Array.from({ length: count }, (_, i) => {
    const port = basePort + i;
    // A single process (the GcWorker) keeps its bare name; pool members are numbered.
    const name = kind === "gc-worker" ? kind : (`${kind}-${i + 1}` as const);
    return {
      name,
      endpoint: `http://127.0.0.1:${port}`,
      stopSignal: "SIGTERM",
      stopGraceMs: 10_000,
      startTimeoutMs: 60_000,
      install: async () => undefined,
      prepare: async () => {
        const secrets = stackSecrets(config);
        return {
          command: process.execPath,
          args: ["--import", "tsx", join(repoRoot, `reference-impl/services/${kind}/main.ts`)],
          cwd: repoRoot,
          env: serviceProcessEnv(kind, endpoints, secrets, port, name),
        };
      },
      check: () => checkHttp(`http://127.0.0.1:${port}/healthz`, implementation),
    };
  });
}

/** M DownloadService processes behind the DownloadLB (ports downloadServiceBase + i), block URLs via the CDN. */
export function downloadServices(
  config: NativeConfig,
  repoRoot: string,
  endpoints: Endpoints,
): NativeService[] {
  return nodeServices(
    config,
    repoRoot,
    endpoints,
    "download-service",
    config.downloadServiceCount,
    config.ports.downloadServiceBase,
  );
}
