// The interface both stack providers implement, and the status shape `syncbench status --json`
// prints. A provider starts PostgreSQL, an S3 server, Kafka, Redis and nginx (gateway + CDN edge).
import type { Endpoints, PublicEndpoints } from "./endpoints.ts";

export const serviceNames = ["postgres", "kafka", "s3", "redis", "nginx"] as const;
export type ServiceName = (typeof serviceNames)[number];
/** A server of the stack, or one of the reference implementation's processes ("chunk-service-1"). */
export type ProcessName =
  | ServiceName
  | `chunk-service-${number}`
  | `download-service-${number}`
  | `notification-service-${number}`
  | "gc-worker";

export function isProcessName(name: string): name is ProcessName {
  return (
    (serviceNames as readonly string[]).includes(name) ||
    name === "gc-worker" ||
    /^(chunk|download|notification)-service-[1-9][0-9]?$/.test(name)
  );
}

export interface ServiceStatus {
  readonly name: ProcessName;
  readonly healthy: boolean;
  /** What the service answers on, e.g. 127.0.0.1:54329 or http://127.0.0.1:7070 */
  readonly endpoint: string;
  readonly pid?: number;
  /** Implementation and version actually running, e.g. "PostgreSQL 15.18", "versitygw v1.0.x" */
  readonly implementation: string;
  /** Why the service is unhealthy, when it is. */
  readonly detail?: string;
  readonly logFile?: string;
  readonly rssBytes?: number;
  /** Times the supervisor restarted it after it died, since the supervisor started. */
  readonly restarts?: number;
  /** When and how it last died, e.g. "2026-05-01 10:00:03 terminated by SIGKILL; not expected". */
  readonly lastExit?: string;
}

/** The process that restarts the stack's servers and services when they die (native provider). */
export interface SupervisorStatus {
  readonly running: boolean;
  readonly pid?: number;
  readonly logFile: string;
}

export interface StackStatus {
  readonly provider: ProviderName;
  /** From `up`: the processes this call started (the rest were found running). */
  readonly started?: readonly string[];
  readonly services: readonly ServiceStatus[];
  /** Where each service answers, without passwords or keys: status output is safe to paste. */
  readonly endpoints: PublicEndpoints;
  readonly supervisor?: SupervisorStatus;
}

export type ProviderName = "native" | "testcontainers";

export interface UpOptions {
  /** Called with one line per step, for progress output. */
  readonly onProgress?: (line: string) => void;
  /** How long each server may take to become healthy. */
  readonly healthTimeoutMs?: number;
}

/** The secrets the stack's services check: bearer tokens (HS256), possession proofs, block URLs. */
export interface StackSecrets {
  readonly jwtSecret: string;
  readonly possessionKey: string;
  /** HMAC key of the DownloadService's signed block URLs. */
  readonly blockUrlKey?: string;
}

export interface StackProvider {
  readonly name: ProviderName;
  up(options?: UpOptions): Promise<StackStatus>;
  /** Stops what `up` started; `only` limits it to those names. */
  down(options?: UpOptions & { only?: readonly string[] }): Promise<{ stopped: string[] }>;
  status(): Promise<StackStatus>;
  /** The endpoints with their credentials, for what connects (tests, fsck, services). */
  endpointsWithSecrets(): Promise<Endpoints>;
  /** The log file of one service, for `syncbench logs <service>`. */
  logFile(service: ProcessName): string | undefined;
  /**
   * The secrets the stack's ChunkServices check, kept with its data; undefined for a provider that
   * starts no ChunkService (testcontainers), where no token or proof would be checked.
   */
  secrets(): StackSecrets | undefined;
  /**
   * Sends `signal` to one process this stack started, through its supervisor (the fault lab's
   * kill -9); returns the PID that was signalled. Absent where the provider cannot (testcontainers).
   */
  signalProcess?(name: string, signal: NodeJS.Signals): Promise<number>;
}
