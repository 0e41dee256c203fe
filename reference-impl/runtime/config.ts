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

export function loadChunkServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<ChunkServiceConfig> {
  const errors: string[] = [];
  const endpoints = endpointsFromEnv(env);
  if (!endpoints.ok)
    errors.push(`missing ${endpoints.missing.join(", ")} (syncbench up sets them)`);
  const port = Number(env.SYNCBENCH_SERVICE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push(
      `SYNCBENCH_SERVICE_PORT must be a port 1..65535, got ${JSON.stringify(env.SYNCBENCH_SERVICE_PORT)}`,
    );
  }
  const jwtSecret = env.SYNCBENCH_JWT_SECRET ?? "";
  if (jwtSecret.length < 16) errors.push("SYNCBENCH_JWT_SECRET must hold at least 16 characters");
  const possessionKey = env.SYNCBENCH_POSSESSION_KEY ?? "";
  if (possessionKey.length < 16)
    errors.push("SYNCBENCH_POSSESSION_KEY must hold at least 16 characters");
  const graceHours = Number(env.SYNCBENCH_GC_GRACE_HOURS ?? "72");
  if (!(graceHours > 0))
    errors.push(
      `SYNCBENCH_GC_GRACE_HOURS must be > 0, got ${JSON.stringify(env.SYNCBENCH_GC_GRACE_HOURS)}`,
    );
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError(
      "CONFIG_INVALID",
      `invalid ChunkService configuration: ${errors.join("; ")}; not started`,
    );
  }
  return Object.freeze({
    host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1",
    port,
    podId: env.SYNCBENCH_POD_ID ?? `chunk-${port}`,
    jwtSecret,
    possessionKey,
    graceMs: graceHours * hourMs,
    endpoints: endpoints.endpoints,
  });
}

export interface DownloadServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly podId: string;
  readonly jwtSecret: string;
  /** HMAC key of the signed block URLs (SYNCBENCH_BLOCK_URL_KEY). */
  readonly blockUrlKey: string;
  readonly blockUrlTtlS: number;
  /** Base of the block URLs (the CDN edge); undefined: presigned S3 URLs. */
  readonly cdnBaseUrl: string | undefined;
  readonly endpoints: Endpoints;
}

/** Longest block URL lifetime the DownloadService issues (the edge refuses longer ones too). */
const blockUrlTtlSMax = 3600;

export function loadDownloadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<DownloadServiceConfig> {
  const errors: string[] = [];
  const endpoints = endpointsFromEnv(env);
  if (!endpoints.ok)
    errors.push(`missing ${endpoints.missing.join(", ")} (syncbench up sets them)`);
  const port = Number(env.SYNCBENCH_SERVICE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push(
      `SYNCBENCH_SERVICE_PORT must be a port 1..65535, got ${JSON.stringify(env.SYNCBENCH_SERVICE_PORT)}`,
    );
  }
  const jwtSecret = env.SYNCBENCH_JWT_SECRET ?? "";
  if (jwtSecret.length < 16) errors.push("SYNCBENCH_JWT_SECRET must hold at least 16 characters");
  const blockUrlKey = env.SYNCBENCH_BLOCK_URL_KEY ?? "";
  if (blockUrlKey.length < 16)
    errors.push("SYNCBENCH_BLOCK_URL_KEY must hold at least 16 characters");
  const blockUrlTtlS = Number(env.SYNCBENCH_BLOCK_URL_TTL_S ?? "300");
  if (!Number.isInteger(blockUrlTtlS) || blockUrlTtlS < 1 || blockUrlTtlS > blockUrlTtlSMax) {
    errors.push(
      `SYNCBENCH_BLOCK_URL_TTL_S must be 1..${blockUrlTtlSMax}, got ${JSON.stringify(env.SYNCBENCH_BLOCK_URL_TTL_S)}`,
    );
  }
  // Default: the stack's CDN edge; an empty SYNCBENCH_CDN_BASE_URL means no CDN (presigned S3 URLs).
  const cdnValue =
    env.SYNCBENCH_CDN_BASE_URL ?? (endpoints.ok ? endpoints.endpoints.cdnUrl : undefined);
  const cdnBaseUrl = cdnValue === "" ? undefined : cdnValue;
  if (cdnBaseUrl !== undefined && !/^https?:\/\/[^/]+$/.test(cdnBaseUrl)) {
    errors.push(
      `SYNCBENCH_CDN_BASE_URL must be http(s)://host[:port] with no path, got ${JSON.stringify(cdnBaseUrl)}`,
    );
  }
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError(
      "CONFIG_INVALID",
      `invalid DownloadService configuration: ${errors.join("; ")}; not started`,
    );
  }
  return Object.freeze({
    host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1",
    port,
    podId: env.SYNCBENCH_POD_ID ?? `download-${port}`,
    jwtSecret,
    blockUrlKey,
    blockUrlTtlS,
    cdnBaseUrl,
    endpoints: endpoints.endpoints,
  });
}

export interface NotificationServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly podId: string;
  readonly jwtSecret: string;
  readonly endpoints: Endpoints;
}

export function loadNotificationServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<NotificationServiceConfig> {
  const errors: string[] = [];
  const endpoints = endpointsFromEnv(env);
  if (!endpoints.ok)
    errors.push(`missing ${endpoints.missing.join(", ")} (syncbench up sets them)`);
  const port = Number(env.SYNCBENCH_SERVICE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push(
      `SYNCBENCH_SERVICE_PORT must be a port 1..65535, got ${JSON.stringify(env.SYNCBENCH_SERVICE_PORT)}`,
    );
  }
  const jwtSecret = env.SYNCBENCH_JWT_SECRET ?? "";
  if (jwtSecret.length < 16) errors.push("SYNCBENCH_JWT_SECRET must hold at least 16 characters");
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError(
      "CONFIG_INVALID",
      `invalid NotificationService configuration: ${errors.join("; ")}; not started`,
    );
  }
  return Object.freeze({
    host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1",
    port,
    podId: env.SYNCBENCH_POD_ID ?? `notification-${port}`,
    jwtSecret,
    endpoints: endpoints.endpoints,
  });
}
