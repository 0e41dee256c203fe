// Fits a service-time distribution per part from a measured run (simple-statistics for the
// summaries). With a histogram: a lognormal by maximum likelihood on the bucket midpoints'
// logarithms, kept if its p50 and p99 land within 10 % of the histogram's, otherwise the
// histogram itself (empirical). With percentiles only: the lognormal through p50 and p99,
// μ = ln p50, σ = (ln p99 − ln p50)/z₀.₉₉ (z₀.₉₉ = 2.3263).
import { mean, standardDeviation } from "simple-statistics";
import type { VariateSpec } from "../core/variates.ts";
import type { Calibration, FittedPart } from "../../formats/calibration.schema.ts";
import type { HistogramInput, MeasuredPart, MeasuredRun } from "../../formats/measured.schema.ts";

const z99 = 2.3263478740408408;
const ms = 1e-3;

export function fitCalibration(run: MeasuredRun, file: string): Calibration {
  const parts: Record<string, FittedPart> = {};
  for (const op of run.operations) for (const part of op.parts) parts[part.name] ??= fitPart(part);
  // Server-side parts carry the simulator's own part names, so experiments can use them directly.
  for (const part of run.serverParts ?? []) parts[part.name] ??= fitPart(part);
  return {
    schemaVersion: 1,
    kind: "syncbench.calibration",
    source: { file, scenario: run.scenario },
    parts,
    operations: run.operations,
  };
}

export function fitPart(part: MeasuredPart): FittedPart {
  if (part.histogram) return fitHistogram(part.histogram);
  const t = part.serviceTimeMs!;
  const sigma = Math.max(1e-6, (Math.log(t.p99) - Math.log(t.p50)) / z99);
  return {
    spec: { kind: "lognormal", mu: Math.log(t.p50 * ms), sigma },
    method: "lognormal-percentiles",
    p50ErrorPct: 0,
    p99ErrorPct: 0,
    samples: null,
  };
}

function fitHistogram(h: HistogramInput): FittedPart {
  const logs: number[] = [],
    weights: number[] = [];
  h.counts.forEach((c, i) => {
    if (c <= 0) return;
    const lo = Math.max(h.boundsMs[i]!, h.boundsMs[i + 1]! * 1e-3),
      hi = h.boundsMs[i + 1]!;
    logs.push(Math.log(Math.sqrt(lo * hi) * ms));
    weights.push(c);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  // Weighted moments by expanding counts would be O(samples); use weighted sums instead.
  const mu = logs.reduce((s, x, i) => s + x * weights[i]!, 0) / total;
  const sigma = Math.sqrt(logs.reduce((s, x, i) => s + weights[i]! * (x - mu) ** 2, 0) / total);
  const measured = [histogramQuantile(h, 0.5), histogramQuantile(h, 0.99)];
  const fitted = [Math.exp(mu), Math.exp(mu + z99 * sigma)].map((x) => x / ms);
  const errors = fitted.map((f, i) => (100 * (f - measured[i]!)) / measured[i]!);
  const lognormal: VariateSpec = { kind: "lognormal", mu, sigma };
  if (Math.abs(errors[0]!) <= 10 && Math.abs(errors[1]!) <= 10) {
    return {
      spec: lognormal,
      method: "lognormal-histogram",
      p50ErrorPct: errors[0]!,
      p99ErrorPct: errors[1]!,
      samples: total,
    };
  }
  return {
    spec: { kind: "empirical", boundsS: h.boundsMs.map((b) => b * ms), counts: [...h.counts] },
    method: "empirical-histogram",
    p50ErrorPct: 0,
    p99ErrorPct: 0,
    samples: total,
  };
}

/** q-quantile of a bucketed histogram in ms, linear inside the bucket. */
export function histogramQuantile(h: HistogramInput, q: number): number {
  const total = h.counts.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (seen + c >= q * total && c > 0)
      return h.boundsMs[i]! + ((q * total - seen) / c) * (h.boundsMs[i + 1]! - h.boundsMs[i]!);
    seen += c;
  }
  return h.boundsMs[h.boundsMs.length - 1]!;
}

/** Mean and sd of a sample in ms (exported for summaries printed by the CLI). */
export function summarise(values: number[]): { meanMs: number; sdMs: number } {
  return { meanMs: mean(values), sdMs: standardDeviation(values) };
}
