// The reference implementation's own processes, started by `up` after the servers are healthy:
// N ChunkService processes behind the UploadLB (ports chunkServiceBase + i). Each runs the
// TypeScript sources through tsx with the stack's endpoints and secrets in SYNCBENCH_* variables.
import { join } from "node:path";
import { endpointsToEnv, type Endpoints } from "../endpoints.ts";
import type { NativeConfig } from "./native-config.ts";
import { describeError, type HealthResult, type NativeService } from "./native-service.ts";
import { stackSecrets } from "./stack-secrets.ts";

// Kept here too: the CLI and benches import the stack's secrets from this module.
export { stackSecrets, type StackSecrets } from "./stack-secrets.ts";

async function checkHttp(url: string, implementation: string): Promise<HealthResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await response.arrayBuffer();
    return { healthy: response.ok, implementation, ...(response.ok ? {} : { detail: `${url} answered ${response.status}` }) };
  } catch (error) {
    return { healthy: false, implementation, detail: `${url}: ${describeError(error)}` };
  }
}

export function chunkServices(config: NativeConfig, repoRoot: string, endpoints: Endpoints): NativeService[] {
  return Array.from({ length: config.chunkServiceCount }, (_, i) => {
    const port = config.ports.chunkServiceBase + i;
    const name = `chunk-service-${i + 1}` as const;
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
          args: ["--import", "tsx", join(repoRoot, "reference-impl/services/chunk-service/main.ts")],
          cwd: repoRoot,
          env: { ...endpointsToEnv(endpoints), SYNCBENCH_SERVICE_PORT: String(port), SYNCBENCH_POD_ID: name,
            SYNCBENCH_JWT_SECRET: secrets.jwtSecret, SYNCBENCH_POSSESSION_KEY: secrets.possessionKey },
        };
      },
      check: () => checkHttp(`http://127.0.0.1:${port}/healthz`, "ChunkService (node)"),
    };
  });
}
