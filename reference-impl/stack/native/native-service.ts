// What the native provider needs from each server: how to install it, how to prepare its data
// folder and command line, how to probe its health, and what to create once it is healthy.
import type { ProcessName } from "../provider.ts";
import type { Progress } from "./install.ts";
import type { SpawnSpec } from "./process-control.ts";

export interface HealthResult {
  readonly healthy: boolean;
  /** Implementation and version as the server reports it (e.g. "PostgreSQL 15.18"). */
  readonly implementation: string;
  readonly detail?: string;
}

export type LaunchSpec = Omit<SpawnSpec, "logFile" | "pidFile">;

export interface NativeService {
  readonly name: ProcessName;
  readonly endpoint: string;
  readonly stopSignal: NodeJS.Signals;
  readonly stopGraceMs: number;
  /** How long a fresh start may take to become healthy. */
  readonly startTimeoutMs: number;
  install(progress: Progress): Promise<void>;
  /** Creates the data folder and configuration on first use; returns the command to run. */
  prepare(progress: Progress): Promise<LaunchSpec>;
  /** One quick probe; never throws for an unreachable server, answers healthy: false instead. */
  check(): Promise<HealthResult>;
  /** For a server found running: bring its configuration up to date (nginx reloads its pools). */
  refresh?(pid: number, progress: Progress): Promise<void>;
  /** Idempotent setup that needs the running server (database, topic, bucket). */
  afterHealthy?(progress: Progress): Promise<void>;
}

export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeError(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
