// Starting and stopping the native servers by PID. Each started process gets a pid file holding
// its PID and its start time from /proc/<pid>/stat, so `down` signals only the very process `up`
// started, never a later process that happens to reuse the PID, and never anything by name.
import { spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";

export interface PidRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): identifies this process instance. */
  readonly startTicks: number;
  readonly command: string;
  readonly startedAtMs: number;
}

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly logFile: string;
  readonly pidFile: string;
}

function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return [String(pid), "comm", ...rest];
  } catch {
    return undefined; // no such process: the caller treats undefined as "not running"
  }
}

/** CPU time (user + system, fields 14 and 15, at 100 ticks a second) of one process; 0 when gone. */
export function cpuMsOf(pid: number): number {
  const fields = procStat(pid);
  if (fields?.[13] === undefined || fields[14] === undefined) return 0;
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

export function startTicksOf(pid: number): number | undefined {
  const fields = procStat(pid);
  return fields?.[21] === undefined ? undefined : Number(fields[21]);
}

function isZombie(pid: number): boolean {
  return procStat(pid)?.[2] === "Z";
}

export function readPidRecord(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(readFileSync(pidFile, "utf8")) as PidRecord;
  } catch (error) {
    throw new Error(
      `pid file ${pidFile} is not valid JSON; remove it after checking no server runs`,
      {
        cause: error,
      },
    );
  }
}

/** True when the process recorded in the pid file is still the same, live process. */
export function isRecordAlive(record: PidRecord | undefined): record is PidRecord {
  if (!record) return false;
  return startTicksOf(record.pid) === record.startTicks && !isZombie(record.pid);
}

/** Spawns a detached server with stdout and stderr appended to its log file, and records its PID. */
export function spawnServer(spec: SpawnSpec): PidRecord {
  const logFd = openSync(spec.logFile, "a");
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ["ignore", logFd, logFd],
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${spec.command}`);
    // A spawn failure (binary missing, permission) goes into the service's log, where the health
    // wait's error message shows it.
    child.on("error", (error) =>
      appendFileSync(
        spec.logFile,
        `syncbench: could not start ${spec.command}: ${error.message}\n`,
      ),
    );
    child.unref();
    const startTicks = startTicksOf(child.pid) ?? 0;
    const record: PidRecord = {
      pid: child.pid,
      startTicks,
      command: [spec.command, ...spec.args].join(" "),
      startedAtMs: Date.now(),
    };
    writeFileSync(spec.pidFile, JSON.stringify(record));
    return record;
  } finally {
    closeSync(logFd);
  }
}

/**
 * Records a process that something else started (supervisord), in the same form as spawnServer,
 * so that a stack whose supervisor died can still be stopped by PID. Undefined when it is gone.
 */
export function recordPid(pidFile: string, pid: number, command: string): PidRecord | undefined {
  const startTicks = startTicksOf(pid);
  if (startTicks === undefined) return undefined;
  const existing = existsSync(pidFile) ? readPidRecord(pidFile) : undefined;
  if (existing?.pid === pid && existing.startTicks === startTicks) return existing;
  const record: PidRecord = { pid, startTicks, command, startedAtMs: Date.now() };
  writeFileSync(pidFile, JSON.stringify(record));
  return record;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals `target` (a PID, or -PID for its group) if the record still names a live process. */
function signalIfSame(record: PidRecord, target: number, signal: NodeJS.Signals): void {
  if (!isRecordAlive(record)) return;
  try {
    process.kill(target, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // it exited in between
  }
}

/** Signals the recorded process, waits up to graceMs for it to exit, then kills its group. */
export async function stopRecorded(
  pidFile: string,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<"stopped" | "not-running"> {
  const record = readPidRecord(pidFile);
  if (!isRecordAlive(record)) {
    rmSync(pidFile, { force: true });
    return "not-running";
  }
  signalIfSame(record, record.pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isRecordAlive(record)) await sleep(50);
  // Escalate to the whole process group (the server leads its own: it was spawned detached), so
  // that workers of a killed master (nginx, postgres) do not keep holding the ports.
  if (isRecordAlive(record)) signalIfSame(record, -record.pid, "SIGKILL");
  const killDeadline = Date.now() + 10_000;
  while (isRecordAlive(record) && Date.now() < killDeadline) await sleep(20);
  if (isRecordAlive(record))
    throw new Error(`pid ${record.pid} (${record.command}) survived SIGKILL for 10 s`);
  rmSync(pidFile, { force: true });
  return "stopped";
}

/** Resident memory of a process and all its descendants, from /proc (bytes). */
export function treeRssBytes(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    const ppid = Number(fields?.[3]);
    if (!fields || !Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    total += rssOf(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // the process ended between the listing and the read
  }
}

/** The last lines of a log file, for error messages. */
export function tailLines(file: string, count: number): string[] {
  if (!existsSync(file)) return [`(no log file at ${file})`];
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  return lines.slice(-count);
}
