// Which processes used the CPU during a step: /proc/<pid>/stat user+system ticks of every
// process, sampled before and after, so that --find-knee can name what saturated first (a
// ChunkService, the S3 server, Postgres, the generator itself). Processes are attributed to the
// nearest ancestor the caller names (Postgres' backends to "postgres", the WebSocket holders to
// the generator), /proc/stat gives how busy the whole machine was, and /proc/diskstats how much
// of the time each disk had I/O in flight (iostat's %util), so a stack bound by its disk (S3
// objects, Postgres fsyncs) says so. Linux only; elsewhere the snapshots are empty, figures 0.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ; 100 on every Linux architecture Node supports. */
const ticksPerS = 100;

export interface ProcessStat {
  readonly comm: string;
  readonly ppid: number;
  readonly ticks: number;
}

export interface CpuSnapshot {
  readonly processes: Map<number, ProcessStat>;
  /** Busy ticks of the whole machine (every state but idle and iowait), summed over cores. */
  readonly machineBusyTicks: number;
  /** Milliseconds each whole disk spent with I/O in flight (the io_ticks of /proc/diskstats). */
  readonly diskIoMs: ReadonlyMap<string, number>;
}

export interface DiskBusy {
  readonly device: string;
  /** Share of the wall time with I/O in flight, 0..1 (iostat %util / 100). */
  readonly busyShare: number;
}

export interface ProcessCpu {
  /** The caller's name for the process tree ("chunk-service-1"), else "<comm> (pid N)". */
  readonly name: string;
  /** Processes counted under the name during the step. */
  readonly pidsCount: number;
  readonly cores: number;
}

function isGone(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ENOENT" || code === "ESRCH";
}

function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if (isGone(error)) return undefined; // the process ended between listing and reading
    throw error;
  }
  return parseStat(text);
}

/** One /proc/<pid>/stat line: the comm may hold spaces and parentheses, so split after the last ")". */
export function parseStat(text: string): ProcessStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  // After the comm: state is field 3, ppid 4, utime 14 and stime 15 (0-based here: 0, 1, 11, 12).
  return {
    comm: text.slice(open + 1, close),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}

/** The first line of /proc/stat: busy = all states except idle (4th) and iowait (5th). */
export function parseMachineBusyTicks(procStat: string): number {
  const first = procStat.slice(0, procStat.indexOf("\n"));
  const values = first.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
  return total - (values[3] ?? 0) - (values[4] ?? 0);
}

/** Whole disks (not partitions, loop or RAM devices) and their io_ticks from /proc/diskstats. */
export function parseDiskIoMs(diskstats: string): Map<string, number> {
  const disks = new Map<string, number>();
  for (const line of diskstats.split("\n")) {
    const f = line.trim().split(/\s+/);
    const name = f[2] ?? "";
    if (!/^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/.test(name)) continue;
    disks.set(name, Number(f[12]));
  }
  return disks;
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (isGone(error)) return "";
    throw error;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const processes = new Map<number, ProcessStat>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      return { processes, machineBusyTicks: 0, diskIoMs: new Map() };
    }
    throw error;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) processes.set(Number(entry), stat);
  }
  return {
    processes,
    machineBusyTicks: parseMachineBusyTicks(readFileSync("/proc/stat", "utf8")),
    diskIoMs: parseDiskIoMs(readOptional("/proc/diskstats")),
  };
}

/** The name of the nearest named ancestor of pid (itself included), or undefined. */
function ownerOf(
  pid: number,
  processes: ReadonlyMap<number, ProcessStat>,
  names: ReadonlyMap<number, string>,
): string | undefined {
  for (let p = pid, depth = 0; p > 1 && depth < 64; depth++) {
    const name = names.get(p);
    if (name !== undefined) return name;
    const parent = processes.get(p)?.ppid;
    if (parent === undefined) return undefined;
    p = parent;
  }
  return undefined;
}

/**
 * CPU per process tree between two snapshots, in cores (1.0 = one core), busiest first.
 * Named trees are summed; an unnamed process stands alone under "<comm> (pid N)".
 */
export function cpuByName(
  before: CpuSnapshot,
  after: CpuSnapshot,
  wallMs: number,
  names: ReadonlyMap<number, string> = new Map(),
  count = 8,
): ProcessCpu[] {
  const sums = new Map<string, { ticks: number; pids: number }>();
  for (const [pid, end] of after.processes) {
    const ticks = end.ticks - (before.processes.get(pid)?.ticks ?? 0);
    if (ticks <= 0) continue;
    const name = ownerOf(pid, after.processes, names) ?? `${end.comm} (pid ${pid})`;
    const sum = sums.get(name) ?? { ticks: 0, pids: 0 };
    sums.set(name, { ticks: sum.ticks + ticks, pids: sum.pids + 1 });
  }
  const rows: ProcessCpu[] = [];
  for (const [name, sum] of sums) {
    const cores = sum.ticks / ticksPerS / (wallMs / 1000);
    if (cores > 0.01)
      rows.push({ name, pidsCount: sum.pids, cores: Math.round(cores * 100) / 100 });
  }
  return rows.sort((a, b) => b.cores - a.cores || a.name.localeCompare(b.name)).slice(0, count);
}

/** How many cores the whole machine kept busy between two snapshots. */
export function machineBusyCores(before: CpuSnapshot, after: CpuSnapshot, wallMs: number): number {
  const cores = (after.machineBusyTicks - before.machineBusyTicks) / ticksPerS / (wallMs / 1000);
  return Math.round(Math.max(0, cores) * 100) / 100;
}

/** The disk that had I/O in flight for the largest share of the time, or null without disks. */
export function busiestDisk(
  before: CpuSnapshot,
  after: CpuSnapshot,
  wallMs: number,
): DiskBusy | null {
  let best: DiskBusy | null = null;
  for (const [device, end] of after.diskIoMs) {
    const share = Math.min(1, Math.max(0, (end - (before.diskIoMs.get(device) ?? end)) / wallMs));
    if (!best || share > best.busyShare)
      best = { device, busyShare: Math.round(share * 100) / 100 };
  }
  return best;
}
