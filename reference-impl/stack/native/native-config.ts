// Where the native stack keeps its files and which loopback ports it uses. Everything lives under
// one ignored folder (.syncbench/ at the repository root by default): cache/ for installs that
// survive `down`, data/<service>/ for each server's state, logs/ and run/ for pid files.
import { join } from "node:path";

export interface NativePorts {
  readonly postgres: number;
  readonly kafka: number;
  readonly kafkaController: number;
  readonly s3: number;
  readonly redis: number;
  readonly gateway: number;
  readonly cdn: number;
  /** First port of the ChunkService pool (UploadLB); service i listens on chunkServiceBase + i. */
  readonly chunkServiceBase: number;
  readonly downloadServiceBase: number;
  readonly notificationServiceBase: number;
  /** The GcWorker's health port (one process; between the chunk and the download pool). */
  readonly gcWorker: number;
}

export type S3ServerKind = "versitygw" | "s3rver";

export interface NativeConfig {
  /** The repository root: services run from its sources. */
  readonly repoRoot: string;
  readonly rootDir: string;
  readonly cacheDir: string;
  readonly ports: NativePorts;
  /** Preferred S3 server; s3rver is the npm-only fallback when versitygw cannot be built. */
  readonly s3Server: S3ServerKind;
  readonly kafkaVersion: string;
  readonly versitygwVersion: string;
  readonly chunkServiceCount: number;
  /** False when chunkServiceCount is the default: `up` then keeps the count the stack runs with. */
  readonly chunkServiceCountGiven: boolean;
  readonly downloadServiceCount: number;
  /** False when downloadServiceCount is the default: `up` then keeps the count the stack runs with. */
  readonly downloadServiceCountGiven?: boolean;
  readonly notificationServiceCount: number;
  /** False when notificationServiceCount is the default: `up` then keeps the count the stack runs with. */
  readonly notificationServiceCountGiven?: boolean;
}

export const defaultPorts: NativePorts = {
  postgres: 54329,
  kafka: 19092,
  kafkaController: 19093,
  s3: 7070,
  redis: 63790,
  gateway: 8080,
  cdn: 8081,
  // Each pool holds at most 16 processes and the pools sit 20 apart inside one block of 50, so stacks
  // on offsets that are multiples of 50 never share a port (7201 collided with chunk + 100).
  chunkServiceBase: 7101,
  downloadServiceBase: 7121,
  notificationServiceBase: 7141,
  gcWorker: 7119,
};

export function defaultNativeConfig(repoRoot: string): NativeConfig {
  const rootDir = join(repoRoot, ".syncbench");
  return {
    repoRoot,
    rootDir,
    cacheDir: join(rootDir, "cache"),
    ports: defaultPorts,
    s3Server: "versitygw",
    kafkaVersion: "4.1.2",
    versitygwVersion: "v1.8.0",
    chunkServiceCount: 2,
    chunkServiceCountGiven: false,
    downloadServiceCount: 2,
    notificationServiceCount: 2,
  };
}

export interface ServicePaths {
  readonly dataDir: string;
  readonly logFile: string;
  readonly pidFile: string;
}

export function servicePaths(config: NativeConfig, service: string): ServicePaths {
  return {
    dataDir: join(config.rootDir, "data", service),
    logFile: join(config.rootDir, "logs", `${service}.log`),
    pidFile: join(config.rootDir, "run", `${service}.pid`),
  };
}
