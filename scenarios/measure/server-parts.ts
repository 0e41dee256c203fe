// Server-side part timings for a run's measured window: each ChunkService serves cumulative HDR
// histograms per part at GET /internal/timings (reference-impl/runtime/part-timings.ts); the run
// snapshots every process at the end of warm-up and at the end, and the difference, summed over
// processes, is what the services spent per part while the window was measured. A process that
// did not answer, or restarted in between (a count went down), is left out and named. The
// processes' own CPU time over the window is summed too (cpuSeconds).
import { request } from "undici";
import {
  partTimingsKind,
  type PartTimingsSnapshot,
} from "../../reference-impl/runtime/part-timings.ts";
import type { ServerPartsResult } from "../../formats/results.schema.ts";
import {
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  percentilesMs,
  type Histogram,
} from "../../formats/hdr-histogram.ts";

export const serverPartsLimits = {
  /** One snapshot request; the endpoint answers from memory. */
  fetchTimeoutMs: 2_000,
  /** Largest snapshot body read (32 parts x ~10 KiB of compressed histogram, with room). */
  bodyBytesMax: 2 * 1024 * 1024,
  sourcesMax: 64,
} as const;

export type SnapshotOrError = { readonly url: string } & (
  | { readonly ok: true; readonly snapshot: PartTimingsSnapshot }
  | { readonly ok: false; readonly reason: string }
);

async function snapshotOne(url: string): Promise<SnapshotOrError> {
  try {
    const response = await request(`${url}/internal/timings`, {
      headersTimeout: serverPartsLimits.fetchTimeoutMs,
      bodyTimeout: serverPartsLimits.fetchTimeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      return { url, ok: false, reason: `${url}/internal/timings answered ${response.statusCode}` };
    if (text.length > serverPartsLimits.bodyBytesMax) {
      return {
        url,
        ok: false,
        reason: `${url}/internal/timings sent ${text.length} bytes, limit ${serverPartsLimits.bodyBytesMax}`,
      };
    }
    const snapshot = JSON.parse(text) as PartTimingsSnapshot;
    if (
      snapshot?.kind !== partTimingsKind ||
      snapshot.schemaVersion !== 1 ||
      typeof snapshot.parts !== "object"
    ) {
      return {
        url,
        ok: false,
        reason: `${url}/internal/timings is not a ${partTimingsKind} v1 document`,
      };
    }
    return { url, ok: true, snapshot };
  } catch (error) {
    return { url, ok: false, reason: `${url}/internal/timings: ${(error as Error).message}` };
  }
}

/** Snapshots every process at once (bounded: sourcesMax). */
export function snapshotServerParts(urls: readonly string[]): Promise<SnapshotOrError[]> {
  if (urls.length > serverPartsLimits.sourcesMax) {
    throw new RangeError(
      `at most ${serverPartsLimits.sourcesMax} timing sources, got ${urls.length}`,
    );
  }
  return Promise.all(urls.map(snapshotOne));
}

/** after − before per process, summed over processes; processes that cannot be subtracted are named in `excluded`. */
export function serverPartsBetween(
  before: readonly SnapshotOrError[],
  after: readonly SnapshotOrError[],
): ServerPartsResult {
  const sums = new Map<string, Histogram>();
  const sources: { url: string; source: string }[] = [];
  const excluded: string[] = [];
  let cpuUs: number | null = 0;
  const queues = new Map<string, { samplesCount: number; sum: number; nonZeroCount: number }>();
  for (const end of after) {
    const start = before.find((b) => b.url === end.url);
    if (!start || !start.ok) {
      excluded.push(
        start && !start.ok ? start.reason : `${end.url}: no snapshot at the window's start`,
      );
      continue;
    }
    if (!end.ok) {
      excluded.push(end.reason);
      continue;
    }
    const restarted = Object.entries(start.snapshot.parts).find(
      ([name, p]) => (end.snapshot.parts[name]?.count ?? 0) < p.count,
    );
    if (restarted || start.snapshot.source !== end.snapshot.source) {
      excluded.push(
        `${end.url}: counts went down (${restarted?.[0] ?? "source changed"}): the process restarted within the window`,
      );
      continue;
    }
    for (const [name, part] of Object.entries(end.snapshot.parts)) {
      const window = decodeHistogram(part.histogramUs);
      const earlier = start.snapshot.parts[name];
      if (earlier) window.subtract(decodeHistogram(earlier.histogramUs));
      if (window.totalCount === 0) continue;
      let sum = sums.get(name);
      if (!sum) {
        sum = newHistogram();
        sums.set(name, sum);
      }
      sum.add(window);
    }
    sources.push({ url: end.url, source: end.snapshot.source });
    for (const [name, q] of Object.entries(end.snapshot.queues ?? {})) {
      const q0 = start.snapshot.queues?.[name] ?? { samplesCount: 0, sum: 0, nonZeroCount: 0 };
      const sum = queues.get(name) ?? { samplesCount: 0, sum: 0, nonZeroCount: 0 };
      queues.set(name, {
        samplesCount: sum.samplesCount + q.samplesCount - q0.samplesCount,
        sum: sum.sum + q.sum - q0.sum,
        nonZeroCount: sum.nonZeroCount + q.nonZeroCount - q0.nonZeroCount,
      });
    }
    const [cpuStart, cpuEnd] = [start.snapshot.cpuUs, end.snapshot.cpuUs];
    cpuUs =
      cpuUs === null || cpuStart === undefined || cpuEnd === undefined
        ? null
        : cpuUs + cpuEnd - cpuStart;
  }
  const parts: ServerPartsResult["parts"] = {};
  for (const [name, h] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
    parts[name] = { ms: percentilesMs(h), histogramUs: encodeHistogram(h) };
  }
  return {
    sources,
    excluded,
    parts,
    cpuSeconds: cpuUs === null || sources.length === 0 ? null : cpuUs / 1e6,
    ...(queues.size > 0 ? { queues: queueWindow(queues) } : {}),
  };
}

/** Per gauge over the window: the mean length (per process) and the share of samples above 0. */
function queueWindow(
  totals: ReadonlyMap<string, { samplesCount: number; sum: number; nonZeroCount: number }>,
): NonNullable<ServerPartsResult["queues"]> {
  const out: NonNullable<ServerPartsResult["queues"]> = {};
  for (const [name, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    if (t.samplesCount <= 0) continue;
    out[name] = {
      samplesCount: t.samplesCount,
      meanLength: t.sum / t.samplesCount,
      busyShare: t.nonZeroCount / t.samplesCount,
    };
  }
  return out;
}
