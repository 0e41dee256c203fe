// Which processes used the CPU during a step: /proc/<pid>/stat user+system ticks of every
// process, sampled before and after, so that --find-knee can name what saturated first
// (a Node service, the S3 server, Postgres, the generator itself). Linux only; elsewhere empty.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ; 100 on every Linux architecture Node supports. */
const ticksPerS = 100;

export type CpuSnapshot = Map<number, { comm: string; ticks: number }>;

export interface ProcessCpu {
  readonly pid: number;
  readonly comm: string;
  readonly cores: number;
}

function readStat(pid: number): { comm: string; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if (
      (error as { code?: string }).code === "ENOENT" ||
      (error as { code?: string }).code === "ESRCH"
    ) {
      return undefined; // the process ended between listing and reading
    }
    throw error;
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  // After the comm: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return { comm: text.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return snapshot;
    throw error;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) snapshot.set(Number(entry), stat);
  }
  return snapshot;
}

/** The `count` busiest processes between two snapshots, in cores (1.0 = one core). */
export function busiest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  wallMs: number,
  count = 5,
): ProcessCpu[] {
  const rows: ProcessCpu[] = [];
  for (const [pid, end] of after) {
    const start = before.get(pid)?.ticks ?? 0;
    const cores = (end.ticks - start) / ticksPerS / (wallMs / 1000);
    if (cores > 0.01) rows.push({ pid, comm: end.comm, cores: Math.round(cores * 100) / 100 });
  }
  return rows.sort((a, b) => b.cores - a.cores).slice(0, count);
}
