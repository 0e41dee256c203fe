// The gate's metrics read from a results file: a metric name (as a scenario's targets name them)
// parsed into what it measures, and its measurement: the value, the samples it came from, and for
// a percentile the 95 % order-statistic interval from the run's HDR histogram (quantile-ci.ts).
// Percentiles are recomputed from the histograms, so any P<digits> works, not only the recorded.
import { decodeHistogram, type Histogram } from "../../formats/hdr-histogram.ts";
import type { Results } from "../../formats/results.schema.ts";
import { quantileRank, quantileRankInterval, samplesMinFor } from "./quantile-ci.ts";

export type MetricSpec =
  | {
      readonly kind: "percentile";
      /** "deltaUpload", or "notification" for the WebSocket freshness. */
      readonly subject: string;
      readonly field: "latencyMs" | "serviceTimeMs" | "freshnessMs";
      readonly quantile: number;
    }
  | { readonly kind: "errorRate"; readonly subject: string }
  /** C13 at the edge: the share of downloads of shared blocks the CDN missed (`edgeCache`). */
  | { readonly kind: "sharedMissRate" }
  | { readonly kind: "droppedCount" };

const percentilePattern = /^(latencyMs|serviceTimeMs|freshnessMs|pushMs)P(\d{2,})$/;

/** "deltaUpload.latencyMsP99" -> a percentile spec; undefined for a name the gate cannot read. */
export function parseMetric(metric: string): MetricSpec | undefined {
  const [subject, aggregate, extra] = metric.split(".");
  if (subject === undefined || aggregate === undefined || extra !== undefined) return undefined;
  if (subject === "run") return aggregate === "droppedCount" ? { kind: "droppedCount" } : undefined;
  if (aggregate === "sharedMissRate")
    return subject === "download" ? { kind: "sharedMissRate" } : undefined;
  if (aggregate === "errorRate") {
    return subject === "notification" ? undefined : { kind: "errorRate", subject };
  }
  const match = percentilePattern.exec(aggregate);
  if (!match) return undefined;
  // pushMs (C10's bound as a p99) is read from the same deliveries as freshnessMs (C11).
  const field = (match[1] === "pushMs" ? "freshnessMs" : match[1]) as
    "latencyMs" | "serviceTimeMs" | "freshnessMs";
  if ((field === "freshnessMs") !== (subject === "notification")) return undefined;
  const quantile = Number(`0.${match[2]}`);
  return { kind: "percentile", subject, field, quantile };
}

/** What the run measured of one metric, or why it did not. */
export type Measurement =
  | {
      readonly status: "measured";
      readonly value: number;
      readonly samplesCount: number;
      /** Percentiles only: the 95 % interval; Infinity when it reaches past the largest sample. */
      readonly ciLow: number | null;
      readonly ciHigh: number | null;
    }
  | { readonly status: "not-measured"; readonly reason: string };

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The value (ms) of the rank-th smallest sample, 1-based; 0 below the first, ∞ past the last. */
export function valueAtRankMs(histogram: Histogram, rank: number): number {
  const n = histogram.totalCount;
  if (rank < 1) return 0;
  if (rank > n) return Number.POSITIVE_INFINITY;
  return round3(histogram.getValueAtPercentile((100 * rank) / n) / 1000);
}

/** Value, samples and interval of percentile q of a histogram. */
export function percentileMeasurement(histogram: Histogram, quantile: number): Measurement {
  const n = histogram.totalCount;
  if (n === 0) return { status: "not-measured", reason: "no samples" };
  const { lowRank, highRank } = quantileRankInterval(n, quantile);
  return {
    status: "measured",
    value: valueAtRankMs(histogram, quantileRank(n, quantile)),
    samplesCount: n,
    ciLow: valueAtRankMs(histogram, lowRank),
    ciHigh: valueAtRankMs(histogram, highRank),
  };
}

function percentileHistogram(
  spec: Extract<MetricSpec, { kind: "percentile" }>,
  results: Results,
): Histogram | string {
  if (spec.subject === "notification") {
    if (!results.websocket)
      return results.websocketUnavailable ?? "no WebSocket devices in this run";
    return decodeHistogram(results.websocket.freshnessHistogramUs);
  }
  const op = results.operations.find((o) => o.name === spec.subject);
  if (!op) return `operation "${spec.subject}" is not in this run`;
  if (op.status !== "measured") return op.reason;
  const encoded =
    spec.field === "latencyMs" ? op.histograms.latencyUs : op.histograms.serviceTimeUs;
  return decodeHistogram(encoded);
}

/** The run's measurement of a metric. */
export function measure(spec: MetricSpec, results: Results): Measurement {
  if (spec.kind === "droppedCount") {
    return {
      status: "measured",
      value: results.droppedCount,
      samplesCount: 1,
      ciLow: null,
      ciHigh: null,
    };
  }
  if (spec.kind === "errorRate") {
    const op = results.operations.find((o) => o.name === spec.subject);
    if (!op)
      return { status: "not-measured", reason: `operation "${spec.subject}" is not in this run` };
    if (op.status !== "measured") return { status: "not-measured", reason: op.reason };
    const finished = op.counts.ok + op.counts.error;
    if (finished === 0) return { status: "not-measured", reason: "no request finished" };
    const value = op.counts.error / finished;
    return { status: "measured", value, samplesCount: finished, ciLow: null, ciHigh: null };
  }
  if (spec.kind === "sharedMissRate") {
    const op = results.operations.find((o) => o.name === "download");
    if (!op) return { status: "not-measured", reason: 'operation "download" is not in this run' };
    if (op.status !== "measured") return { status: "not-measured", reason: op.reason };
    if (!op.edgeCache)
      return {
        status: "not-measured",
        reason: "the run recorded no edge cache status per download",
      };
    const { sharedHitCount, sharedMissCount } = op.edgeCache;
    const shared = sharedHitCount + sharedMissCount;
    if (shared === 0) return { status: "not-measured", reason: "no download of shared content" };
    const value = sharedMissCount / shared;
    return { status: "measured", value, samplesCount: shared, ciLow: null, ciHigh: null };
  }
  const histogram = percentileHistogram(spec, results);
  if (typeof histogram === "string") return { status: "not-measured", reason: histogram };
  return percentileMeasurement(histogram, spec.quantile);
}

/**
 * Fewest samples a metric needs: the percentile rule (10 expected above it), for an error rate
 * or the shared miss rate 10 expected events at the bound (ceil(10 / max), 1 when the bound is 0);
 * a count needs none.
 */
export function samplesMinOf(spec: MetricSpec, max: number | undefined): number {
  if (spec.kind === "percentile") return samplesMinFor(spec.quantile);
  if (spec.kind === "errorRate" || spec.kind === "sharedMissRate")
    return max === undefined || max <= 0 ? 1 : Math.ceil(10 / max);
  return 1;
}
