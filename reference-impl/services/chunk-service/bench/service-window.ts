// What the ChunkService processes spent over bench:upload's delta loop: their CPU time and their
// part timings (queues included: event-loop delay, thread-pool delay, GC pauses) from two
// snapshots of GET /internal/timings, summed over processes. An idle window before the loop
// gives the processes' CPU with no request (timers, the outbox relay, Kafka heartbeats), which
// the per-upload figure carries and the line printed beside it states.
import { performance } from "node:perf_hooks";
import {
  decodeHistogram,
  percentilesMs,
  type PercentilesMs,
} from "../../../../formats/hdr-histogram.ts";
import type { PartTimingsSnapshot } from "../../../runtime/part-timings.ts";

export interface TimedSnapshots {
  readonly atMs: number;
  readonly snapshots: readonly (PartTimingsSnapshot | null)[];
}

export interface ServiceWindow {
  readonly sourcesCount: number;
  readonly wallS: number;
  /** CPU of every process over the loop, summed. */
  readonly cpuMs: number;
  /** CPU of every process per second of the idle window before the loop, summed. */
  readonly idleCpuMsPerS: number;
  readonly parts: Record<string, PercentilesMs>;
}

const fetchTimeoutMs = 2000;

export async function snapshotAll(urls: readonly string[]): Promise<TimedSnapshots> {
  const snapshots = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(`${url}/internal/timings`, {
        signal: AbortSignal.timeout(fetchTimeoutMs),
      });
      return response.ok ? ((await response.json()) as PartTimingsSnapshot) : null;
    }),
  );
  return { atMs: performance.now(), snapshots };
}

const cpuOf = (s: TimedSnapshots) =>
  s.snapshots.reduce((sum, x) => sum + (x?.cpuUs ?? Number.NaN), 0) / 1000;

/** The loop's window (before -> after), or null when a process did not answer or restarted. */
export function chunkServiceWindow(
  idle: TimedSnapshots,
  before: TimedSnapshots,
  after: TimedSnapshots,
): ServiceWindow | null {
  const pairs = before.snapshots.map((b, i) => [b, after.snapshots[i]] as const);
  if (pairs.some(([b, a]) => !b || !a || b.source !== a.source)) return null;
  const cpuMs = cpuOf(after) - cpuOf(before);
  const idleMs = cpuOf(before) - cpuOf(idle);
  if (!Number.isFinite(cpuMs) || !Number.isFinite(idleMs)) return null;
  const sums = new Map<string, ReturnType<typeof decodeHistogram>>();
  for (const [b, a] of pairs) {
    for (const [name, part] of Object.entries(a!.parts)) {
      const h = decodeHistogram(part.histogramUs);
      const earlier = b!.parts[name];
      if (earlier) h.subtract(decodeHistogram(earlier.histogramUs));
      const sum = sums.get(name);
      if (sum) sum.add(h);
      else sums.set(name, h);
    }
  }
  const parts: Record<string, PercentilesMs> = {};
  for (const [name, h] of [...sums].sort(([x], [y]) => x.localeCompare(y))) {
    if (h.totalCount > 0) parts[name] = percentilesMs(h);
  }
  return {
    sourcesCount: pairs.length,
    wallS: (after.atMs - before.atMs) / 1000,
    cpuMs,
    idleCpuMsPerS: idleMs / ((before.atMs - idle.atMs) / 1000),
    parts,
  };
}
