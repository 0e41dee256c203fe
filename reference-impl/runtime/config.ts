// The only reader of process.env for the services: configuration is parsed once at the entry point
// into a frozen, typed object, from defaults and SYNCBENCH_* variables (passed in, so tests hand
// a plain object), with every problem reported at once.
import { SyncbenchError } from "../core/errors.ts";
import { endpointsFromEnv, type Endpoints } from "../stack/endpoints.ts";

export interface ChunkServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly podId: string;
  readonly jwtSecret: string;
  readonly possessionKey: string;
  readonly graceMs: number;
  readonly endpoints: Endpoints;
}

const hourMs = 3_600_000;

export function loadChunkServiceConfig(env: Readonly<Record<string, string | undefined>>): Readonly<ChunkServiceConfig> {
  const errors: string[] = [];
  const endpoints = endpointsFromEnv(env);
  if (!endpoints.ok) errors.push(`missing ${endpoints.missing.join(", ")} (syncbench up sets them)`);
  const port = Number(env.SYNCBENCH_SERVICE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push(`SYNCBENCH_SERVICE_PORT must be a port 1..65535, got ${JSON.stringify(env.SYNCBENCH_SERVICE_PORT)}`);
  }
  const jwtSecret = env.SYNCBENCH_JWT_SECRET ?? "";
  if (jwtSecret.length < 16) errors.push("SYNCBENCH_JWT_SECRET must hold at least 16 characters");
  const possessionKey = env.SYNCBENCH_POSSESSION_KEY ?? "";
  if (possessionKey.length < 16) errors.push("SYNCBENCH_POSSESSION_KEY must hold at least 16 characters");
  const graceHours = Number(env.SYNCBENCH_GC_GRACE_HOURS ?? "72");
  if (!(graceHours > 0)) errors.push(`SYNCBENCH_GC_GRACE_HOURS must be > 0, got ${JSON.stringify(env.SYNCBENCH_GC_GRACE_HOURS)}`);
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError("CONFIG_INVALID", `invalid ChunkService configuration: ${errors.join("; ")}; not started`);
  }
  return Object.freeze({ host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1", port, podId: env.SYNCBENCH_POD_ID ?? `chunk-${port}`,
    jwtSecret, possessionKey, graceMs: graceHours * hourMs, endpoints: endpoints.endpoints });
}

export interface NotificationServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly podId: string;
  readonly jwtSecret: string;
  readonly endpoints: Endpoints;
}

export function loadNotificationServiceConfig(env: Readonly<Record<string, string | undefined>>): Readonly<NotificationServiceConfig> {
  const errors: string[] = [];
  const endpoints = endpointsFromEnv(env);
  if (!endpoints.ok) errors.push(`missing ${endpoints.missing.join(", ")} (syncbench up sets them)`);
  const port = Number(env.SYNCBENCH_SERVICE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push(`SYNCBENCH_SERVICE_PORT must be a port 1..65535, got ${JSON.stringify(env.SYNCBENCH_SERVICE_PORT)}`);
  }
  const jwtSecret = env.SYNCBENCH_JWT_SECRET ?? "";
  if (jwtSecret.length < 16) errors.push("SYNCBENCH_JWT_SECRET must hold at least 16 characters");
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError("CONFIG_INVALID", `invalid NotificationService configuration: ${errors.join("; ")}; not started`);
  }
  return Object.freeze({ host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1", port,
    podId: env.SYNCBENCH_POD_ID ?? `notification-${port}`, jwtSecret, endpoints: endpoints.endpoints });
}
