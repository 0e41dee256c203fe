// The only reader of process.env for the services: configuration is parsed once at the entry point
// into a frozen, typed object, from defaults and SYNCBENCH_* variables (passed in, so tests hand
// a plain object), with every problem reported at once.
import { SyncbenchError } from "../core/errors.ts";
import { endpointsFromEnv, type Endpoints } from "../stack/endpoints.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** What every service process reads: where it listens, who it is, the token secret, the stack. */
export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly podId: string;
  readonly jwtSecret: string;
  readonly endpoints: Endpoints;
}

/**
 * Parses a service's settings: the common ones here, its own through `own` (which pushes its
 * problems onto `errors`); every problem of both is reported in one CONFIG_INVALID error.
 */
function loadServiceConfig<T extends object>(
  env: Env,
  service: string,
  podPrefix: string,
  own: (errors: string[], endpoints: Endpoints | undefined) => T,
): Readonly<ServiceConfig & T> {
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
  const specific = own(errors, endpoints.ok ? endpoints.endpoints : undefined);
  if (errors.length > 0 || !endpoints.ok) {
    throw new SyncbenchError(
      "CONFIG_INVALID",
      `invalid ${service} configuration: ${errors.join("; ")}; not started`,
    );
  }
  return Object.freeze({
    host: env.SYNCBENCH_SERVICE_HOST ?? "127.0.0.1",
    port,
    podId: env.SYNCBENCH_POD_ID ?? `${podPrefix}-${port}`,
    jwtSecret,
    endpoints: endpoints.endpoints,
    ...specific,
  });
}

export interface ChunkServiceConfig extends ServiceConfig {
  readonly possessionKey: string;
  readonly graceMs: number;
}

const hourMs = 3_600_000;

export function loadChunkServiceConfig(env: Env): Readonly<ChunkServiceConfig> {
  return loadServiceConfig(env, "ChunkService", "chunk", (errors) => {
    const possessionKey = env.SYNCBENCH_POSSESSION_KEY ?? "";
    if (possessionKey.length < 16)
      errors.push("SYNCBENCH_POSSESSION_KEY must hold at least 16 characters");
    const graceHours = Number(env.SYNCBENCH_GC_GRACE_HOURS ?? "72");
    if (!(graceHours > 0))
      errors.push(
        `SYNCBENCH_GC_GRACE_HOURS must be > 0, got ${JSON.stringify(env.SYNCBENCH_GC_GRACE_HOURS)}`,
      );
    return { possessionKey, graceMs: graceHours * hourMs };
  });
}

export interface DownloadServiceConfig extends ServiceConfig {
  /** HMAC key of the signed block URLs (SYNCBENCH_BLOCK_URL_KEY). */
  readonly blockUrlKey: string;
  readonly blockUrlTtlS: number;
  /** Base of the block URLs (the CDN edge); undefined: presigned S3 URLs. */
  readonly cdnBaseUrl: string | undefined;
}

/** Longest block URL lifetime the DownloadService issues (the edge refuses longer ones too). */
const blockUrlTtlSMax = 3600;

export function loadDownloadServiceConfig(env: Env): Readonly<DownloadServiceConfig> {
  return loadServiceConfig(env, "DownloadService", "download", (errors, endpoints) => {
    const blockUrlKey = env.SYNCBENCH_BLOCK_URL_KEY ?? "";
    if (blockUrlKey.length < 16)
      errors.push("SYNCBENCH_BLOCK_URL_KEY must hold at least 16 characters");
    const blockUrlTtlS = Number(env.SYNCBENCH_BLOCK_URL_TTL_S ?? "300");
    if (!Number.isInteger(blockUrlTtlS) || blockUrlTtlS < 1 || blockUrlTtlS > blockUrlTtlSMax) {
      errors.push(
        `SYNCBENCH_BLOCK_URL_TTL_S must be 1..${blockUrlTtlSMax}, got ${JSON.stringify(env.SYNCBENCH_BLOCK_URL_TTL_S)}`,
      );
    }
    // Default: the stack's CDN edge; an empty SYNCBENCH_CDN_BASE_URL means no CDN (presigned S3).
    const cdnValue = env.SYNCBENCH_CDN_BASE_URL ?? endpoints?.cdnUrl;
    const cdnBaseUrl = cdnValue === "" ? undefined : cdnValue;
    if (cdnBaseUrl !== undefined && !/^https?:\/\/[^/]+$/.test(cdnBaseUrl)) {
      errors.push(
        `SYNCBENCH_CDN_BASE_URL must be http(s)://host[:port] with no path, got ${JSON.stringify(cdnBaseUrl)}`,
      );
    }
    return { blockUrlKey, blockUrlTtlS, cdnBaseUrl };
  });
}

export type NotificationServiceConfig = ServiceConfig;

export function loadNotificationServiceConfig(env: Env): Readonly<NotificationServiceConfig> {
  return loadServiceConfig(env, "NotificationService", "notification", () => ({}));
}

export interface GcWorkerConfig extends ServiceConfig {
  readonly graceMs: number;
  readonly retentionMs: number;
  readonly sweepIntervalMs: number;
  readonly batchBlocksMax: number;
}

/** A positive number from the environment, or its default; a bad value is pushed onto errors. */
function positive(
  env: Env,
  name: string,
  fallback: string,
  errors: string[],
  options: { integer?: boolean; max?: number } = {},
): number {
  const value = Number(env[name] ?? fallback);
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (!(value > 0) || value > max || (options.integer === true && !Number.isInteger(value))) {
    errors.push(
      `${name} must be ${options.integer ? "an integer " : ""}> 0 and <= ${max}, got ${JSON.stringify(env[name])}`,
    );
  }
  return value;
}

export function loadGcWorkerConfig(env: Env): Readonly<GcWorkerConfig> {
  return loadServiceConfig(env, "GcWorker", "gc-worker", (errors) => {
    const graceHours = positive(env, "SYNCBENCH_GC_GRACE_HOURS", "72", errors);
    const retentionDays = positive(env, "SYNCBENCH_GC_RETENTION_DAYS", "30", errors);
    const sweepS = positive(env, "SYNCBENCH_GC_SWEEP_INTERVAL_S", "3600", errors);
    const batch = positive(env, "SYNCBENCH_GC_BATCH_BLOCKS", "500", errors, {
      integer: true,
      max: 10_000,
    });
    return {
      graceMs: graceHours * hourMs,
      retentionMs: retentionDays * 24 * hourMs,
      sweepIntervalMs: sweepS * 1000,
      batchBlocksMax: batch,
    };
  });
}
