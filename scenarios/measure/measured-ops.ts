// results.json -> "syncbench.measured-ops" (simulator/calibration/measured.schema.ts), the
// projection the simulator's calibration reads: per measured operation its count, achieved
// rate, end-to-end latency and one part, "<operation>.clientServiceTime" (from the actual send,
// no queue: servers null), with a histogram rebuilt from the HDR histogram's quantiles.
// Operations "not available in this stack" are left out: they have no figures to fit.
import type { Results } from "../results.schema.ts";
import { decodeHistogram, type Histogram } from "./histograms.ts";

/** Quantile steps of the rebuilt histogram: 0.1% wide, so each bucket holds ~N/1000 samples. */
const quantileStepPct = 0.1;

export interface BucketHistogram {
  readonly boundsMs: number[];
  readonly counts: number[];
}

/** Buckets between successive quantiles of an HDR histogram (µs values), merged when equal. */
export function bucketsFromHdr(h: Histogram): BucketHistogram | undefined {
  if (h.totalCount === 0) return undefined;
  const boundsMs = [Math.max(0, h.minNonZeroValue - 1) / 1000];
  const counts: number[] = [];
  let rankDone = 0;
  for (let step = 1; step * quantileStepPct <= 100 + 1e-9; step++) {
    const q = Math.min(100, step * quantileStepPct);
    const rank = Math.round((h.totalCount * q) / 100);
    const edgeMs = h.getValueAtPercentile(q) / 1000;
    if (edgeMs > boundsMs.at(-1)!) {
      boundsMs.push(edgeMs);
      counts.push(rank - rankDone);
    } else if (counts.length > 0) counts[counts.length - 1]! += rank - rankDone;
    else continue; // the rank stays pending until the first edge above the minimum
    rankDone = rank;
  }
  if (counts.length === 0)
    return { boundsMs: [boundsMs[0]!, boundsMs[0]! + 0.001], counts: [h.totalCount] };
  counts[counts.length - 1]! += h.totalCount - rankDone;
  return { boundsMs, counts };
}

export function toMeasuredOps(r: Results) {
  const operations = r.operations.flatMap((op) => {
    if (op.status !== "measured" || op.latencyMs.count === 0) return [];
    const histogram = bucketsFromHdr(decodeHistogram(op.histograms.serviceTimeUs));
    const s = op.serviceTimeMs;
    return [
      {
        name: op.name,
        count: op.latencyMs.count,
        rateAchievedPerS: (op.counts.ok / Math.max(1, r.config.measuredWindowMs)) * 1000,
        latencyMs: { p50: op.latencyMs.p50, p99: op.latencyMs.p99, mean: op.latencyMs.mean },
        parts: [
          {
            name: `${op.name}.clientServiceTime`,
            servers: null,
            serviceTimeMs: { p50: s.p50, p99: s.p99, mean: s.mean },
            ...(histogram ? { histogram } : {}),
          },
        ],
      },
    ];
  });
  return {
    schemaVersion: 1 as const,
    kind: "syncbench.measured-ops" as const,
    scenario: String(r.scenario.name),
    durationS: r.config.measuredWindowMs / 1000,
    operations,
  };
}
