// The `native` provider: installs (once) and starts PostgreSQL, Kafka, an S3 server, Redis and nginx
// as local processes on loopback ports, each with its own data folder, log file and pid file.
// `up` is idempotent and all-or-nothing: a server that does not become healthy in time stops
// everything this call started and fails with the server's name, log file and last log lines.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../core/errors.ts";
import type { Endpoints } from "../endpoints.ts";
import type {
  ProcessName, ServiceStatus, StackProvider, StackSecrets, StackStatus, UpOptions,
} from "../provider.ts";
import { chunkServices, stackSecrets } from "./app-services.ts";
import { fileEventsPartitionCount, fileEventsTopic, kafkaService } from "./kafka.ts";
import { servicePaths, type NativeConfig, type S3ServerKind } from "./native-config.ts";
import type { NativeService } from "./native-service.ts";
import { nginxService } from "./nginx.ts";
import { postgresService, postgresUrl } from "./postgres.ts";
import { isRecordAlive, readPidRecord, spawnServer, stopRecorded, tailLines, treeRssBytes } from "./process-control.ts";
import { redisService, redisUrl } from "./redis.ts";
import { s3Endpoint, s3Service } from "./s3.ts";

interface StackState {
  readonly s3Server: S3ServerKind;
  readonly chunkServiceCount?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class NativeProvider implements StackProvider {
  readonly name = "native" as const;
  private readonly s3Kind: { current: S3ServerKind };
  private readonly services: readonly NativeService[];
  private readonly stateFile: string;

  private readonly apps: readonly NativeService[];

  /** `services` and `apps` replace the servers and processes in tests of the start/stop logic. */
  private readonly config: NativeConfig;

  constructor(given: NativeConfig, services?: readonly NativeService[], apps?: readonly NativeService[]) {
    this.stateFile = join(given.rootDir, "run", "stack.json");
    const state = this.readState();
    this.s3Kind = { current: state?.s3Server ?? given.s3Server };
    const chunkServiceCount = given.chunkServiceCountGiven ? given.chunkServiceCount : state?.chunkServiceCount ?? given.chunkServiceCount;
    const config = { ...given, chunkServiceCount };
    this.config = config;
    // Start order; `down` stops in reverse (the services first, the gateway, the databases last).
    this.services = services ?? [postgresService(config), redisService(config), s3Service(config, this.s3Kind),
      kafkaService(config), nginxService(config)];
    this.apps = apps ?? (services ? [] : chunkServices(config, config.repoRoot, this.endpoints()));
  }

  endpoints(): Endpoints {
    const { ports } = this.config;
    return {
      postgresUrl: postgresUrl(this.config),
      s3: s3Endpoint(this.config),
      kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
      kafkaTopic: fileEventsTopic,
      kafkaPartitionCount: fileEventsPartitionCount,
      redisUrl: redisUrl(this.config),
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      cdnUrl: `http://127.0.0.1:${ports.cdn}`,
    };
  }

  logFile(service: ProcessName): string {
    return servicePaths(this.config, service).logFile;
  }

  secrets(): StackSecrets {
    return stackSecrets(this.config);
  }

  private readState(): StackState | undefined {
    return existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, "utf8")) as StackState) : undefined;
  }

  async up(options: UpOptions = {}): Promise<StackStatus> {
    const progress = options.onProgress ?? (() => undefined);
    for (const dir of ["cache", "data", "logs", "run"]) mkdirSync(join(this.config.rootDir, dir), { recursive: true });
    for (const service of this.services) await service.install(progress);
    writeFileSync(this.stateFile, JSON.stringify({ s3Server: this.s3Kind.current,
      chunkServiceCount: this.config.chunkServiceCount } satisfies StackState));
    const started: NativeService[] = [];
    try {
      await this.bringUp(this.services, started, progress, options.healthTimeoutMs);
      await this.bringUp(this.apps, started, progress, options.healthTimeoutMs);
    } catch (error) {
      for (const service of [...started].reverse()) await this.stop(service);
      throw error;
    }
    await this.stopSurplusApps(progress);
    return { ...(await this.status()), started: started.map((s) => s.name) };
  }

  /** Starts what is down, refreshes what runs, waits for all to be healthy, then sets them up. */
  private async bringUp(services: readonly NativeService[], started: NativeService[], progress: (line: string) => void,
    healthTimeoutMs: number | undefined): Promise<void> {
    for (const service of services) {
      if (await this.startIfNeeded(service, progress)) started.push(service);
    }
    const cancel = { cancelled: false };
    await Promise.all(services.map((s) => this.waitHealthy(s, healthTimeoutMs, cancel).catch((error: unknown) => {
      cancel.cancelled = true; // the other waits stop polling, so a failed `up` ends at once
      throw error;
    })));
    for (const service of services) await service.afterHealthy?.(progress);
  }

  /** ChunkService processes beyond the configured count (a smaller --chunk-services). */
  private recordedApps(): string[] {
    const runDir = join(this.config.rootDir, "run");
    if (!existsSync(runDir)) return [];
    return readdirSync(runDir).filter((f) => /^chunk-service-\d+\.pid$/.test(f)).map((f) => f.slice(0, -4));
  }

  private async stopSurplusApps(progress: (line: string) => void): Promise<void> {
    const wanted = new Set(this.apps.map((a) => a.name as string));
    for (const name of this.recordedApps().filter((n) => !wanted.has(n))) {
      await stopRecorded(servicePaths(this.config, name).pidFile, "SIGTERM", 10_000);
      progress(`${name}: stopped (beyond --chunk-services ${this.apps.length})`);
    }
  }

  /** Starts a service unless the process recorded in its pid file is still running. */
  private async startIfNeeded(service: NativeService, progress: (line: string) => void): Promise<boolean> {
    const paths = servicePaths(this.config, service.name);
    const running = readPidRecord(paths.pidFile);
    if (isRecordAlive(running)) {
      progress(`${service.name}: already running`);
      await service.refresh?.(running.pid, progress);
      return false;
    }
    const answering = await service.check();
    if (answering.healthy) {
      throw new SyncbenchError("ENV_PORT_TAKEN", `${service.name}: ${service.endpoint} already answers, but not from a ` +
        "process this checkout's syncbench started (another checkout's stack, or a system service); nothing was started " +
        "in its place", { hint: `stop that server, or run this stack on other ports; see: ss -ltnp` });
    }
    mkdirSync(paths.dataDir, { recursive: true });
    const launch = await service.prepare(progress);
    const record = spawnServer({ ...launch, logFile: paths.logFile, pidFile: paths.pidFile });
    progress(`${service.name}: started pid ${record.pid}, log ${paths.logFile}`);
    return true;
  }

  /** Healthy means: the process we recorded is alive and the probe answers (not someone else). */
  private async waitHealthy(service: NativeService, timeoutMs: number | undefined, cancel: { cancelled: boolean }): Promise<void> {
    const paths = servicePaths(this.config, service.name);
    const limitMs = timeoutMs ?? service.startTimeoutMs;
    const deadline = Date.now() + limitMs;
    const alive = () => isRecordAlive(readPidRecord(paths.pidFile));
    let last = await service.check();
    while (!(last.healthy && alive()) && Date.now() < deadline && !cancel.cancelled) {
      if (!alive()) break; // it exited: no point in waiting
      await sleep(250);
      last = await service.check();
    }
    if (last.healthy && alive()) return;
    if (cancel.cancelled) return; // another server failed first; its error is the one reported
    const why = alive() ? `did not become healthy within ${limitMs} ms` : "exited during start";
    throw new SyncbenchError("STACK_UNHEALTHY",
      `${service.name} ${why} (last check: ${last.detail ?? "unhealthy"}); log ${paths.logFile}:\n    ` +
        tailLines(paths.logFile, 12).join("\n    ") + "\n  everything this `up` started was stopped",
      { hint: `syncbench logs ${service.name}; syncbench doctor` });
  }

  private async stop(service: NativeService): Promise<"stopped" | "not-running"> {
    return stopRecorded(servicePaths(this.config, service.name).pidFile, service.stopSignal, service.stopGraceMs);
  }

  async down(options: UpOptions & { only?: readonly string[] } = {}): Promise<{ stopped: string[] }> {
    const stopped: string[] = [];
    const wanted = (name: string) => options.only === undefined || options.only.includes(name);
    for (const name of this.recordedApps().filter(wanted)) {
      const outcome = await stopRecorded(servicePaths(this.config, name).pidFile, "SIGTERM", 10_000);
      if (outcome === "stopped") stopped.push(name);
      options.onProgress?.(`${name}: ${outcome}`);
    }
    for (const service of [...this.services].reverse().filter((s) => wanted(s.name))) {
      const outcome = await this.stop(service);
      if (outcome === "stopped") stopped.push(service.name);
      options.onProgress?.(`${service.name}: ${outcome}`);
    }
    return { stopped };
  }

  async status(): Promise<StackStatus> {
    const services = await Promise.all([...this.services, ...this.apps].map((s) => this.serviceStatus(s)));
    return { provider: this.name, services, endpoints: this.endpoints() };
  }

  private async serviceStatus(service: NativeService): Promise<ServiceStatus> {
    const paths = servicePaths(this.config, service.name);
    const record = readPidRecord(paths.pidFile);
    const alive = isRecordAlive(record);
    const health = await service.check();
    const base = { name: service.name, endpoint: service.endpoint, logFile: paths.logFile,
      implementation: health.implementation };
    if (!alive) {
      const detail = health.healthy ? "answers, but not started by syncbench (port taken?)" : "not running";
      return { ...base, healthy: false, detail };
    }
    return { ...base, healthy: health.healthy, pid: record.pid, rssBytes: treeRssBytes(record.pid),
      ...(health.detail === undefined ? {} : { detail: health.detail }) };
  }
}
