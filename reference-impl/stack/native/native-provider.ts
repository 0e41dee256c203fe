// The `native` provider: installs (once) and starts PostgreSQL, Kafka, an S3 server, Redis and nginx
// as local processes on loopback ports, each with its own data folder and log file, all run by one
// supervisord per stack folder (supervisor.ts) that restarts whatever dies.
// `up` is idempotent and all-or-nothing: a server that does not become healthy in time stops
// everything this call started and fails with the server's name, log file and last log lines.
// A stack folder from an older syncbench (servers started detached, with pid files) is migrated:
// its servers are stopped by their recorded PIDs and started again under the supervisor.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../core/errors.ts";
import { redactEndpoints, type Endpoints } from "../endpoints.ts";
import type {
  ProcessName,
  ServiceStatus,
  StackProvider,
  StackSecrets,
  StackStatus,
  UpOptions,
} from "../provider.ts";
import {
  chunkServices,
  downloadServices,
  gcWorker,
  notificationServices,
  stackSecrets,
} from "./app-services.ts";
import { fileEventsPartitionCount, fileEventsTopic, kafkaService } from "./kafka.ts";
import { servicePaths, type NativeConfig, type S3ServerKind } from "./native-config.ts";
import type { NativeService } from "./native-service.ts";
import { nginxService } from "./nginx.ts";
import { postgresService, postgresUrl } from "./postgres.ts";
import {
  cpuMsOf,
  isRecordAlive,
  readPidRecord,
  recordPid,
  stopRecorded,
  tailLines,
  treeRssBytes,
} from "./process-control.ts";
import { redisService, redisUrl } from "./redis.ts";
import { s3Endpoint, s3Service } from "./s3.ts";
import { supervisorTick, type ProgramSpec } from "./supervisor-config.ts";
import { Supervisor, type ProgramInfo } from "./supervisor.ts";
import { RpcFault } from "./supervisor-rpc.ts";

interface StackState {
  readonly s3Server: S3ServerKind;
  readonly chunkServiceCount?: number;
  readonly downloadServiceCount?: number;
  readonly notificationServiceCount?: number;
}

/**
 * The pool sizes an `up` runs with: a count given (flag or environment) wins; otherwise the count
 * the stack ran with last (stack.json), so a plain `up` or a test run keeps `up --chunk-services 4`.
 */
export function effectivePoolCounts(
  given: NativeConfig,
  state: Omit<StackState, "s3Server"> | undefined,
): Pick<NativeConfig, "chunkServiceCount" | "downloadServiceCount" | "notificationServiceCount"> {
  const pick = (isGiven: boolean | undefined, value: number, kept: number | undefined) =>
    isGiven ? value : (kept ?? value);
  return {
    chunkServiceCount: pick(
      given.chunkServiceCountGiven,
      given.chunkServiceCount,
      state?.chunkServiceCount,
    ),
    downloadServiceCount: pick(
      given.downloadServiceCountGiven,
      given.downloadServiceCount,
      state?.downloadServiceCount,
    ),
    notificationServiceCount: pick(
      given.notificationServiceCountGiven,
      given.notificationServiceCount,
      state?.notificationServiceCount,
    ),
  };
}

type Progress = (line: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How much longer than its bound a start starved of CPU by other load is waited for. */
export const startStarvedFactor = 5;

/**
 * "wait", or why a start that is not healthy yet has failed: past its bound having used at least
 * half of it in CPU (it works and does not answer: stuck), or past startStarvedFactor bounds.
 */
export function startVerdict(limitMs: number, waitedMs: number, cpuMs: number): string {
  if (waitedMs <= limitMs) return "wait";
  const cpu = `${(cpuMs / 1000).toFixed(1)} s of CPU`;
  if (!Number.isFinite(cpuMs)) return `did not become healthy within ${limitMs} ms`;
  if (cpuMs >= limitMs / 2)
    return `did not become healthy within ${limitMs} ms, having used ${cpu}`;
  if (waitedMs > limitMs * startStarvedFactor)
    return (
      `did not become healthy within ${waitedMs} ms (${startStarvedFactor}x its ${limitMs} ms ` +
      `bound, waited because it had only ${cpu}: the machine is busy with other load)`
    );
  return "wait";
}
const liveStates = new Set(["STARTING", "RUNNING"]);
const deadStates = new Set(["BACKOFF", "EXITED", "FATAL"]);

export class NativeProvider implements StackProvider {
  readonly name = "native" as const;
  private readonly s3Kind: { current: S3ServerKind };
  private readonly services: readonly NativeService[];
  private readonly stateFile: string;
  private readonly apps: readonly NativeService[];
  private readonly config: NativeConfig;
  private readonly supervisor: Supervisor;

  /** `services` and `apps` replace the servers and processes in tests of the start/stop logic. */
  constructor(
    given: NativeConfig,
    services?: readonly NativeService[],
    apps?: readonly NativeService[],
  ) {
    this.stateFile = join(given.rootDir, "run", "stack.json");
    const state = this.readState();
    this.s3Kind = { current: state?.s3Server ?? given.s3Server };
    const config = { ...given, ...effectivePoolCounts(given, state) };
    this.config = config;
    this.supervisor = new Supervisor(config.rootDir, config.repoRoot);
    // Start order; `down` stops in reverse (the services first, the gateway, the databases last).
    this.services = services ?? [
      postgresService(config),
      redisService(config),
      s3Service(config, this.s3Kind),
      kafkaService(config),
      nginxService(config),
    ];
    this.apps =
      apps ??
      (services
        ? []
        : [
            ...chunkServices(config, config.repoRoot, this.endpoints()),
            ...downloadServices(config, config.repoRoot, this.endpoints()),
            ...notificationServices(config, config.repoRoot, this.endpoints()),
            ...gcWorker(config, config.repoRoot, this.endpoints()),
          ]);
  }

  /** The endpoints with their secrets, for services, tests and tools that connect. */
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

  async endpointsWithSecrets(): Promise<Endpoints> {
    return this.endpoints();
  }

  logFile(service: ProcessName | "supervisor"): string {
    return service === "supervisor"
      ? this.supervisor.paths.logFile
      : servicePaths(this.config, service).logFile;
  }

  secrets(): StackSecrets {
    return stackSecrets(this.config);
  }

  private readState(): StackState | undefined {
    return existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, "utf8")) as StackState)
      : undefined;
  }

  private all(): NativeService[] {
    return [...this.services, ...this.apps];
  }

  async up(options: UpOptions = {}): Promise<StackStatus> {
    const progress = options.onProgress ?? (() => undefined);
    for (const dir of ["cache", "data", "logs", "run"])
      mkdirSync(join(this.config.rootDir, dir), { recursive: true });
    for (const service of this.services) await service.install(progress);
    await this.supervisor.install(progress);
    writeFileSync(
      this.stateFile,
      JSON.stringify({
        s3Server: this.s3Kind.current,
        chunkServiceCount: this.config.chunkServiceCount,
        downloadServiceCount: this.config.downloadServiceCount,
        notificationServiceCount: this.config.notificationServiceCount,
      } satisfies StackState),
    );
    await this.stopUnsupervised(progress);
    const programs: ProgramSpec[] = [];
    for (const service of this.all()) programs.push(await this.programSpec(service, progress));
    const startedSupervisor = await this.supervisor.apply(programs, progress);
    const started: NativeService[] = [];
    try {
      await this.bringUp(this.services, started, progress, options.healthTimeoutMs);
      await this.bringUp(this.apps, started, progress, options.healthTimeoutMs);
    } catch (error) {
      for (const service of [...started].reverse()) await this.stopProgram(service.name);
      if (startedSupervisor) await this.supervisor.shutdown();
      throw error;
    }
    return { ...(await this.status()), started: started.map((s) => s.name) };
  }

  private async programSpec(service: NativeService, progress: Progress): Promise<ProgramSpec> {
    const paths = servicePaths(this.config, service.name);
    mkdirSync(paths.dataDir, { recursive: true });
    const launch = await service.prepare(progress);
    return {
      name: service.name,
      command: launch.command,
      args: launch.args,
      env: launch.env,
      cwd: launch.cwd,
      uid: launch.uid,
      stopSignal: service.stopSignal,
      stopGraceMs: service.stopGraceMs,
      logFile: paths.logFile,
    };
  }

  /**
   * Processes recorded in pid files but not run by this stack's supervisord: servers an older
   * syncbench started detached, or orphans of a supervisord that was killed. They are stopped by
   * PID (never by name) and started again under the supervisor; data folders are kept.
   */
  private async stopUnsupervised(progress: Progress): Promise<void> {
    const supervised = this.supervisor.isRunning()
      ? await this.supervisor.programs()
      : new Map<string, ProgramInfo>();
    for (const name of [...this.recordedNames()].reverse()) {
      const pidFile = servicePaths(this.config, name).pidFile;
      const record = readPidRecord(pidFile);
      if (!isRecordAlive(record) || supervised.get(name)?.pid === record.pid) continue;
      progress(
        `${name}: pid ${record.pid} runs without supervision (started by an older syncbench, or its ` +
          "supervisor died); stopping it to start it again under supervisord, data kept",
      );
      const service = this.all().find((s) => s.name === name);
      await stopRecorded(pidFile, service?.stopSignal ?? "SIGTERM", service?.stopGraceMs ?? 10_000);
    }
  }

  /** Names with a pid file in run/ (servers and ChunkServices, also beyond today's count). */
  private recordedNames(): string[] {
    const runDir = join(this.config.rootDir, "run");
    if (!existsSync(runDir)) return [];
    const names = readdirSync(runDir)
      .filter((f) => f.endsWith(".pid") && f !== "supervisor.pid")
      .map((f) => f.slice(0, -4));
    const order = this.all().map((s) => s.name as string);
    return names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  }

  /** Starts what is down, refreshes what runs, waits for all to be healthy, then sets them up. */
  private async bringUp(
    services: readonly NativeService[],
    started: NativeService[],
    progress: Progress,
    healthTimeoutMs: number | undefined,
  ): Promise<void> {
    const running = await this.supervisor.programs();
    for (const service of services) {
      if (await this.startIfNeeded(service, running.get(service.name), progress))
        started.push(service);
    }
    await this.waitHealthy(services, healthTimeoutMs);
    for (const service of services) await service.afterHealthy?.(progress);
  }

  private async startIfNeeded(
    service: NativeService,
    info: ProgramInfo | undefined,
    progress: Progress,
  ): Promise<boolean> {
    if (info && liveStates.has(info.state)) {
      progress(`${service.name}: already running (pid ${info.pid})`);
      await service.refresh?.(info.pid, progress);
      return false;
    }
    const answering = await service.check();
    if (answering.healthy) {
      throw new SyncbenchError(
        "ENV_PORT_TAKEN",
        `${service.name}: ${service.endpoint} already answers, but not from a ` +
          "process this checkout's syncbench started (another checkout's stack, or a system service); nothing was started " +
          "in its place",
        { hint: `stop that server, or run this stack on other ports; see: ss -ltnp` },
      );
    }
    try {
      await this.supervisor.start(service.name);
    } catch (error) {
      // supervisord answers SPAWN_ERROR when the process exits before it could call it started
      // (its loop now wakes every 100 ms, so an immediate exit is seen within the call): the
      // same failure waitHealthy reports for an exit during start, with the log's lines.
      if (error instanceof RpcFault && error.faultString.startsWith("SPAWN_ERROR"))
        await this.failStart(service, "exited during start", error.faultString);
      throw error;
    }
    progress(
      `${service.name}: started under supervisord, log ${servicePaths(this.config, service.name).logFile}`,
    );
    return true;
  }

  /**
   * One supervisor query per round for all services; healthy = supervised, alive and answering.
   * The bound is the service's start time on a machine that gives it a core: past it, a process
   * that has used less than half that time in CPU is starved by other load, not stuck, and is
   * waited for up to startStarvedFactor times longer (a slow machine is a figure, not a failure).
   */
  private async waitHealthy(
    services: readonly NativeService[],
    timeoutMs: number | undefined,
  ): Promise<void> {
    const limitMs = (s: NativeService) => timeoutMs ?? s.startTimeoutMs;
    const startMs = Date.now();
    const pending = new Set(services);
    while (pending.size > 0) {
      const programs = await this.supervisor.programs();
      for (const service of pending) {
        const info = programs.get(service.name);
        if (info && info.pid > 0)
          recordPid(servicePaths(this.config, service.name).pidFile, info.pid, service.name);
        const health = await service.check();
        if (health.healthy && info?.state === "RUNNING") pending.delete(service);
        else if (!info || deadStates.has(info.state))
          await this.failStart(service, "exited during start", health.detail);
        else {
          const waitedMs = Date.now() - startMs;
          // Only a live process can be starved; one between restarts (BACKOFF, pid 0) is
          // failing, not waiting for a core, and meets its bound as before.
          const alive = info.pid > 0 && (info.state === "STARTING" || info.state === "RUNNING");
          const cpuMs = alive ? cpuMsOf(info.pid) : Number.POSITIVE_INFINITY;
          const verdict = startVerdict(limitMs(service), waitedMs, cpuMs);
          if (verdict !== "wait") await this.failStart(service, verdict, health.detail);
        }
      }
      if (pending.size > 0) await sleep(250);
    }
  }

  private async failStart(
    service: NativeService,
    why: string,
    lastCheck: string | undefined,
  ): Promise<never> {
    await this.stopProgram(service.name); // stopping also drains the output into its log
    const logFile = servicePaths(this.config, service.name).logFile;
    throw new SyncbenchError(
      "STACK_UNHEALTHY",
      `${service.name} ${why} (last check: ${lastCheck ?? "unhealthy"}); log ${logFile}:\n    ` +
        tailLines(logFile, 12).join("\n    ") +
        "\n  everything this `up` started was stopped",
      { hint: `syncbench logs ${service.name}; syncbench doctor` },
    );
  }

  private async stopProgram(name: string): Promise<"stopped" | "not-running"> {
    const outcome = this.supervisor.isRunning() ? await this.supervisor.stop(name) : "not-running";
    rmSync(servicePaths(this.config, name).pidFile, { force: true });
    return outcome;
  }

  async signalProcess(name: string, signal: NodeJS.Signals): Promise<number> {
    const info = this.supervisor.isRunning()
      ? (await this.supervisor.programs()).get(name)
      : undefined;
    if (!info || info.state !== "RUNNING" || info.pid <= 0) {
      throw new SyncbenchError(
        "STACK_UNHEALTHY",
        `${name} is not running under this stack's supervisor (state ${info?.state ?? "absent"}); ` +
          "no signal was sent",
        { hint: "syncbench status" },
      );
    }
    await this.supervisor.signal(name, signal);
    return info.pid;
  }

  async down(
    options: UpOptions & { only?: readonly string[] } = {},
  ): Promise<{ stopped: string[] }> {
    const stopped: string[] = [];
    const wanted = (name: string) => options.only === undefined || options.only.includes(name);
    const report = (name: string, outcome: string) => {
      if (outcome === "stopped") stopped.push(name);
      options.onProgress?.(`${name}: ${outcome}`);
    };
    if (this.supervisor.isRunning()) {
      const programs = await this.supervisor.programs();
      const order = [
        ...this.apps.map((a) => a.name as string),
        ...[...this.services].reverse().map((s) => s.name as string),
      ];
      // e.g. ChunkServices beyond today's count; the tick program stops with supervisord
      const extra = [...programs.keys()].filter(
        (n) => !order.includes(n) && n !== supervisorTick.name,
      );
      for (const name of [...extra, ...order].filter((n) => programs.has(n) && wanted(n))) {
        report(name, await this.stopProgram(name));
      }
      const left = [...(await this.supervisor.programs()).values()].filter(
        (p) => !["STOPPED", "EXITED", "FATAL"].includes(p.state) && p.name !== supervisorTick.name,
      );
      if (left.length === 0) report("supervisor", await this.supervisor.shutdown());
    }
    for (const name of this.recordedNames().reverse().filter(wanted)) {
      // unsupervised: older stacks, orphans
      const service = this.all().find((s) => s.name === name);
      report(
        name,
        await stopRecorded(
          servicePaths(this.config, name).pidFile,
          service?.stopSignal ?? "SIGTERM",
          service?.stopGraceMs ?? 10_000,
        ),
      );
    }
    return { stopped };
  }

  async status(): Promise<StackStatus> {
    const supervisorPid = this.supervisor.pid();
    const programs =
      supervisorPid === undefined
        ? new Map<string, ProgramInfo>()
        : await this.supervisor.programs();
    const history = this.supervisor.exitHistory();
    const services = await Promise.all(
      this.all().map((s) => this.serviceStatus(s, programs.get(s.name), history.get(s.name))),
    );
    return {
      provider: this.name,
      services,
      endpoints: redactEndpoints(this.endpoints()),
      supervisor: {
        running: supervisorPid !== undefined,
        ...(supervisorPid ? { pid: supervisorPid } : {}),
        logFile: this.supervisor.paths.logFile,
      },
    };
  }

  private async serviceStatus(
    service: NativeService,
    info: ProgramInfo | undefined,
    exits: { restarts: number; lastExit?: string } | undefined,
  ): Promise<ServiceStatus> {
    const paths = servicePaths(this.config, service.name);
    const health = await service.check();
    const base = {
      name: service.name,
      endpoint: service.endpoint,
      logFile: paths.logFile,
      implementation: health.implementation,
      restarts: exits?.restarts ?? 0,
      ...(exits?.lastExit ? { lastExit: exits.lastExit } : {}),
    };
    const supervised = info !== undefined && liveStates.has(info.state) && info.pid > 0;
    const record = readPidRecord(paths.pidFile);
    if (supervised) recordPid(paths.pidFile, info.pid, service.name);
    const pid = supervised ? info.pid : isRecordAlive(record) ? record.pid : undefined;
    if (pid === undefined) {
      const why =
        info && deadStates.has(info.state)
          ? `${info.state.toLowerCase()} under supervisord: ${info.description}`
          : health.healthy
            ? "answers, but not started by syncbench (port taken?)"
            : "not running";
      return { ...base, healthy: false, detail: why };
    }
    const unsupervised = supervised
      ? undefined
      : "running without supervision (older syncbench): `syncbench up` supervises it";
    const detail = unsupervised ?? health.detail;
    return {
      ...base,
      healthy: health.healthy,
      pid,
      rssBytes: treeRssBytes(pid),
      ...(detail === undefined ? {} : { detail }),
    };
  }
}
