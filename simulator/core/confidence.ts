// Confidence intervals from independent replications: mean ± t_{1−α/2, n−1}·s/√n. Student-t
// quantiles are tabulated (Abramowitz & Stegun table 26.10) for the 95 % and 99 % levels
// the experiments and oracle tests use; beyond 30 degrees of freedom the normal quantile.
import { mean, sampleStandardDeviation } from "simple-statistics";

const t975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];
const t995 = [
  63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.25, 3.169, 3.106, 3.055, 3.012, 2.977,
  2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763,
  2.756, 2.75,
];

export function tQuantile(confidence: 0.95 | 0.99, degreesOfFreedom: number): number {
  const table = confidence === 0.95 ? t975 : t995;
  if (degreesOfFreedom < 1) return Infinity;
  return table[degreesOfFreedom - 1] ?? (confidence === 0.95 ? 1.96 : 2.576);
}

export interface Interval {
  readonly mean: number;
  readonly halfWidth: number;
  readonly low: number;
  readonly high: number;
  readonly replications: number;
  readonly confidence: number;
}

/** Replication interval; with one replication the half-width is unknown (reported as null-ish NaN). */
export function replicationInterval(
  values: readonly number[],
  confidence: 0.95 | 0.99 = 0.95,
): Interval {
  const m = mean([...values]);
  const half =
    values.length > 1
      ? (tQuantile(confidence, values.length - 1) * sampleStandardDeviation([...values])) /
        Math.sqrt(values.length)
      : NaN;
  return {
    mean: m,
    halfWidth: half,
    low: m - half,
    high: m + half,
    replications: values.length,
    confidence,
  };
}
