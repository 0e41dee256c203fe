// Connections at scale on the running stack's NotificationService processes, then a real reconnect
// storm beside the simulator's model of it. `npm run bench:connections [-- --devices N] [--json]`.
// 1. Holds N idle authenticated devices (each its own user, registered in Redis) straight on the
//    processes' ports, from child processes of 15,000 devices each (connection-holder.ts). N is
//    bounded by the processes' open-file limit: the figure printed is reached/asked. Memory per
//    connection is each process's RSS delta over its idle baseline; Redis's is used_memory's delta.
// 2. Kills one process (SIGKILL through the supervisor, which restarts it) under its devices, which
//    reconnect with the design's backoff (0.5-30 s, full jitter) to a process picked at random; then
//    again with no jitter. Counted per second: attempts, connects (one Registry write each), Redis
//    commands; time until 99 % of the dropped devices are back; errors by kind.
// 3. The simulator's rolling-deploy cohort model for the same devices, processes, one restarted
//    process, the measured restart time and handshake rate, and the same policy: measured vs
//    simulated, side by side.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { simulateRollingDeploy } from "../../../../simulator/models/population.ts";
import type { BackoffPolicy } from "../../../../simulator/models/backoff.ts";
import { memoryBytesPerConnection } from "../../../core/design-figures.ts";
import { Supervisor } from "../../../stack/native/supervisor.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import type { HolderCommand, HolderReport } from "./connection-holder.ts";

const devicesPerHolderMax = 15_000;
/** Open files each process keeps for everything but devices (Redis, Kafka, logs, the gateway). */
const fdsReservedPerProcess = 1_000;
const stormWaitSMax = 240;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssBytes(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? NaN) * 1024;
}

function openFilesMax(pid: number): number {
  const line = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  return Number(line?.[1] ?? 1024);
}

async function healthzConnections(endpoint: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${endpoint}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return ((await response.json()) as { connections: number }).connections;
  } catch {
    return undefined; // down or restarting: the caller counts it as such
  }
}

async function redisInfo(redis: Redis, field: string): Promise<number> {
  const text = await redis.info();
  return Number(new RegExp(`^${field}:(\\d+)`, "m").exec(text)?.[1] ?? NaN);
}

class Holders {
  private readonly children: ChildProcess[] = [];
  private readonly replies: ((r: HolderReport) => void)[][] = [];

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const child = fork(new URL("./connection-holder.ts", import.meta.url).pathname, [], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      this.children.push(child);
      this.replies.push([]);
      child.on("message", (m: HolderReport | { type: "connected" }) => {
        if (m.type === "report") this.replies[i]!.shift()?.(m);
      });
    }
  }

  send(i: number, command: HolderCommand): void {
    this.children[i]!.send(command);
  }

  broadcast(command: HolderCommand): void {
    this.children.forEach((_, i) => this.send(i, command));
  }

  connected(): Promise<void> {
    return Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.on("message", (m: { type: string }) => m.type === "connected" && resolve()),
          ),
      ),
    ).then(() => undefined);
  }

  reports(): Promise<HolderReport[]> {
    return Promise.all(
      this.children.map(
        (c, i) =>
          new Promise<HolderReport>((resolve) => {
            this.replies[i]!.push(resolve);
            c.send({ type: "report" } satisfies HolderCommand);
          }),
      ),
    );
  }

  close(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill("SIGTERM");
  }
}

function parseOptions(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: { devices: { type: "string" }, json: { type: "boolean" } },
  });
  const asked = Number(values.devices ?? "100000");
  if (!Number.isInteger(asked) || asked < 10 || asked > 1_000_000)
    throw new Error(
      `--devices must be an integer 10..1000000, got ${JSON.stringify(values.devices)}`,
    );
  return { asked, json: values.json === true };
}

/** Per-second sums of 100 ms buckets, from t0 (ms) on. */
function perSecond(buckets: Record<string, number>[], t0Ms: number): number[] {
  const out: number[] = [];
  for (const b of buckets) {
    for (const [key, n] of Object.entries(b)) {
      const s = Math.floor((Number(key) * 100 - t0Ms) / 1000);
      if (s >= 0) out[s] = (out[s] ?? 0) + n;
    }
  }
  return Array.from(out, (n) => n ?? 0);
}

export interface StormFigures {
  jitter: "full" | "none";
  dropped: number;
  restartS: number;
  attemptsPeakPerS: number;
  connectsPeakPerS: number;
  redisCommandsPeakPerS: number;
  recovery99S: number;
  reconnected: number;
  attempts: number;
  errors: Record<string, number>;
  attemptsPerS: number[];
}

async function storm(options: {
  jitter: "full" | "none";
  holders: Holders;
  supervisor: Supervisor;
  victim: { name: string; endpoint: string };
  redis: Redis;
}): Promise<StormFigures> {
  const { holders, victim, redis } = options;
  holders.broadcast({ type: "policy", jitter: options.jitter });
  const dropped = (await healthzConnections(victim.endpoint)) ?? 0;
  const before = (await holders.reports()).reduce((n, r) => n + r.connected, 0);
  const t0 = Date.now();
  await options.supervisor.signal(victim.name, "SIGKILL");
  let restartS = NaN;
  const commands: number[] = [];
  let lastCommands = await redisInfo(redis, "total_commands_processed");
  for (let s = 0; s < stormWaitSMax; s++) {
    await sleep(1_000);
    const now = await redisInfo(redis, "total_commands_processed");
    commands.push(now - lastCommands);
    lastCommands = now;
    if (Number.isNaN(restartS) && (await healthzConnections(victim.endpoint)) !== undefined)
      restartS = (Date.now() - t0) / 1000;
    const connected = (await holders.reports()).reduce((n, r) => n + r.connected, 0);
    if (connected >= before && !Number.isNaN(restartS)) break;
  }
  const reports = await holders.reports();
  const connects = perSecond(
    reports.map((r) => r.connects),
    t0,
  );
  const attemptsPerS = perSecond(
    reports.map((r) => r.attempts),
    t0,
  );
  let cumulative = 0;
  let recovery99S = NaN;
  const fine = new Map<number, number>();
  for (const r of reports)
    for (const [k, n] of Object.entries(r.connects))
      fine.set(Number(k), (fine.get(Number(k)) ?? 0) + n);
  for (const k of [...fine.keys()].sort((a, b) => a - b)) {
    cumulative += fine.get(k)!;
    if (cumulative >= 0.99 * dropped) {
      recovery99S = (k * 100 + 100 - t0) / 1000;
      break;
    }
  }
  const errors: Record<string, number> = {};
  for (const r of reports)
    for (const [k, n] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + n;
  return {
    jitter: options.jitter,
    dropped,
    restartS,
    attemptsPeakPerS: Math.max(0, ...attemptsPerS),
    connectsPeakPerS: Math.max(0, ...connects),
    redisCommandsPeakPerS: Math.max(0, ...commands),
    recovery99S,
    reconnected: connects.reduce((a, b) => a + b, 0),
    attempts: attemptsPerS.reduce((a, b) => a + b, 0),
    errors,
    attemptsPerS,
  };
}

type SimFigures = ReturnType<typeof simulated>;

function simulated(o: {
  devices: number;
  pods: number;
  restartS: number;
  handshakesPerPodPerS: number;
  jitter: "full" | "none";
}) {
  const policy: BackoffPolicy = {
    name: `${o.jitter}-0.5-30s`,
    baseS: 0.5,
    capS: 30,
    jitter: o.jitter,
  };
  const r = simulateRollingDeploy({
    devices: o.devices,
    pods: o.pods,
    podsPerWave: 1,
    waves: 1,
    restartS: o.restartS,
    handshakesPerPodPerS: o.handshakesPerPodPerS,
    notificationsPerDevicePerS: 0,
    policy,
    bucketS: 0.01,
    settleS: 0,
    horizonS: 3600,
    peakWindowS: 1,
  });
  return {
    dropped: r.waves[0]!.dropped,
    attemptsPeakPerS: r.attemptRatePeakPerS,
    connectsPeakPerS: r.connectRatePeakPerS,
    recovery99S: r.waves[0]!.recovery99S,
    attemptsPerReconnect: r.attemptsPerReconnect,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env = process.env;
  const config = loadStackConfig(env);
  const provider = await createProvider(config, env);
  const endpoints = await provider.endpointsWithSecrets();
  const jwtSecret = provider.secrets()?.jwtSecret;
  if (!jwtSecret)
    throw new Error("the stack's provider runs no services (native only): npx syncbench up");
  const processes = (await provider.status()).services.filter(
    (s) => s.name.startsWith("notification-service-") && s.healthy && s.pid !== undefined,
  ) as { name: string; endpoint: string; pid: number }[];
  if (processes.length < 2) throw new Error("needs 2 or more NotificationService processes up");
  const perProcessMax =
    Math.min(...processes.map((p) => openFilesMax(p.pid))) - fdsReservedPerProcess;
  const target = Math.min(options.asked, perProcessMax * processes.length);
  const redis = new Redis(endpoints.redisUrl, { maxRetriesPerRequest: 3 });
  const baseline = processes.map((p) => rssBytes(p.pid));
  const redisBaseline = await redisInfo(redis, "used_memory");
  const holderCount = Math.ceil(target / devicesPerHolderMax);
  const holders = new Holders(holderCount);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log(
      `connections: ${target} of ${options.asked} asked (${processes.length} processes, ` +
        `${perProcessMax} each by their open-file limit), ${holderCount} holder processes…`,
    );
    const runId = Date.now().toString(36);
    const connectedAll = holders.connected();
    const t0 = Date.now();
    for (let i = 0; i < holderCount; i++) {
      const firstIndex = i * devicesPerHolderMax;
      holders.send(i, {
        type: "start",
        endpoints: processes.map((p) => p.endpoint),
        firstIndex,
        count: Math.min(devicesPerHolderMax, target - firstIndex),
        runId,
        jwtSecret,
        concurrency: 64,
      });
    }
    await connectedAll;
    const connectS = (Date.now() - t0) / 1000;
    const initial = await holders.reports();
    const reached = initial.reduce((n, r) => n + r.connected, 0);
    // The processes' handshake capacity: the best second of the initial connects, per process.
    const handshakesPerPodPerS =
      Math.max(
        ...perSecond(
          initial.map((r) => r.connects),
          t0,
        ),
      ) / processes.length;
    await sleep(5_000);
    const perProcess = await Promise.all(processes.map((p) => healthzConnections(p.endpoint)));
    const rssDelta = processes.map((p, i) => rssBytes(p.pid) - baseline[i]!);
    const memoryPerConnection = rssDelta.reduce((a, b) => a + b, 0) / reached;
    const redisPerDevice = ((await redisInfo(redis, "used_memory")) - redisBaseline) / reached;
    log(`held ${reached}; ${Math.round(memoryPerConnection)} B per connection; storms next…`);
    const supervisor = new Supervisor(config.native.rootDir, config.native.repoRoot);
    const storms: StormFigures[] = [];
    for (const jitter of ["full", "none"] as const) {
      // The victim: the process holding the most devices now (the first storm moves devices).
      const held = await Promise.all(processes.map((p) => healthzConnections(p.endpoint)));
      const victim = processes[held.indexOf(Math.max(...held.map((n) => n ?? 0)))]!;
      storms.push(await storm({ jitter, holders, supervisor, victim, redis }));
      log(`storm (${jitter} jitter) on ${victim.name} done`);
    }
    const sims = storms.map((s) =>
      simulated({
        // So that the one restarted process holds what the measured victim held.
        devices: s.dropped * processes.length,
        pods: processes.length,
        restartS: s.restartS,
        handshakesPerPodPerS,
        jitter: s.jitter,
      }),
    );
    print(options, {
      asked: options.asked,
      reached,
      processes: processes.length,
      perProcess,
      connectS,
      handshakesPerPodPerS,
      memoryPerConnection,
      redisPerDevice,
      storms,
      sims,
    });
  } finally {
    holders.close();
    redis.disconnect();
  }
}

interface Figures {
  asked: number;
  reached: number;
  processes: number;
  perProcess: (number | undefined)[];
  connectS: number;
  handshakesPerPodPerS: number;
  memoryPerConnection: number;
  redisPerDevice: number;
  storms: StormFigures[];
  sims: SimFigures[];
}

function print(options: { json: boolean }, r: Figures): void {
  if (options.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
  const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;
  const lines = [
    `connections: reached ${r.reached} / asked ${r.asked} on ${r.processes} processes ` +
      `(${r.perProcess.join(", ")}); connected in ${r.connectS.toFixed(1)} s ` +
      `(best second: ${r.handshakesPerPodPerS.toFixed(0)} handshakes/s per process)`,
    `memory per connection (RSS delta over idle): ${kib(r.memoryPerConnection)} ` +
      `(C19 says ${kib(memoryBytesPerConnection)}; target <= 10 KiB); Redis per device ${kib(r.redisPerDevice)}`,
    "",
    `reconnect storm: one process killed under its devices, measured vs the simulator's model`,
    `${"".padEnd(34)} ${"full jitter".padStart(12)} ${"sim".padStart(10)} ${"no jitter".padStart(12)} ${"sim".padStart(10)}`,
  ];
  const row = (label: string, m: (s: StormFigures) => number, s: (x: SimFigures) => number) =>
    `${label.padEnd(34)} ${m(r.storms[0]!).toFixed(1).padStart(12)} ${s(r.sims[0]!).toFixed(1).padStart(10)} ` +
    `${m(r.storms[1]!).toFixed(1).padStart(12)} ${s(r.sims[1]!).toFixed(1).padStart(10)}`;
  lines.push(
    row(
      "devices dropped",
      (s) => s.dropped,
      (x) => x.dropped,
    ),
    row(
      "process restart (s, measured)",
      (s) => s.restartS,
      () => NaN,
    ),
    row(
      "peak attempts/s (1 s windows)",
      (s) => s.attemptsPeakPerS,
      (x) => x.attemptsPeakPerS,
    ),
    row(
      "peak connects = registry writes/s",
      (s) => s.connectsPeakPerS,
      (x) => x.connectsPeakPerS,
    ),
    row(
      "peak Redis commands/s",
      (s) => s.redisCommandsPeakPerS,
      () => NaN,
    ),
    row(
      "time to 99 % reconnected (s)",
      (s) => s.recovery99S,
      (x) => x.recovery99S,
    ),
    row(
      "attempts per reconnect",
      (s) => s.attempts / Math.max(1, s.reconnected),
      (x) => x.attemptsPerReconnect,
    ),
  );
  for (const s of r.storms)
    lines.push(
      `errors (${s.jitter} jitter): ${JSON.stringify(s.errors)}; attempts/s: ${s.attemptsPerS.slice(0, 40).join(" ")}`,
    );
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:connections: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
