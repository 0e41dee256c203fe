// A distribution-free confidence interval for a percentile, from order statistics: with n samples
// and B ~ Binomial(n, q) the number of them below the true q-quantile ξ, the interval between the
// l-th and the u-th smallest samples covers ξ with probability P(l <= B <= u - 1) (Hahn & Meeker,
// "Statistical Intervals", 1991, section 5.2; Conover, "Practical Nonparametric Statistics",
// 3rd ed., section 3.2). l and u are chosen equal-tailed: P(B < l) <= α/2 and P(B >= u) <= α/2,
// so the coverage is at least 1 - α. The HDR histogram gives the samples' order statistics (at
// 0.1 % value resolution), so no repeated runs are needed. Also the sample rule: a percentile is
// judged only from n >= 10 / (1 - q) samples (reports/gate/README.md says why).

/** The gate's confidence for every interval. */
export const confidenceLevel = 0.95;

/** Samples expected above the percentile, at least, before it is judged (the sample rule). */
export const tailSamplesMin = 10;

/** Fewest samples a percentile q (0 < q < 1) needs: 20 for p50, 100 for p90, 1,000 for p99. */
export function samplesMinFor(quantile: number): number {
  // The small epsilon keeps 10 / (1 - 0.99) = 1000.0000000000009 at 1,000.
  return Math.ceil(tailSamplesMin / (1 - quantile) - 1e-9);
}

/** 1-based ranks of the interval's ends; 0 or n + 1 mean "beyond the sample" (unbounded). */
export interface RankInterval {
  readonly lowRank: number;
  readonly highRank: number;
}

/**
 * The binomial probabilities of Binomial(n, q) over a window around its mode, normalised: outside
 * mode ± (12 standard deviations + 20) the mass is below 1e-30, so the window is exact for our
 * purpose and costs O(sqrt(n)) (ratios pmf(k+1)/pmf(k) = (n-k)/(k+1) · q/(1-q), no factorials).
 */
function binomialWindow(n: number, q: number): { first: number; pmf: number[] } {
  const mode = Math.min(n, Math.floor((n + 1) * q));
  const spread = Math.ceil(12 * Math.sqrt(n * q * (1 - q))) + 20;
  const first = Math.max(0, mode - spread);
  const last = Math.min(n, mode + spread);
  const pmf = new Array<number>(last - first + 1).fill(0);
  pmf[mode - first] = 1;
  for (let k = mode; k < last; k++) {
    pmf[k + 1 - first] = pmf[k - first]! * ((n - k) / (k + 1)) * (q / (1 - q));
  }
  for (let k = mode; k > first; k--) {
    pmf[k - 1 - first] = pmf[k - first]! * (k / (n - k + 1)) * ((1 - q) / q);
  }
  const total = pmf.reduce((a, b) => a + b, 0);
  return { first, pmf: pmf.map((p) => p / total) };
}

/** The order-statistic ranks of the equal-tailed interval for quantile q from n samples. */
export function quantileRankInterval(
  n: number,
  quantile: number,
  confidence = confidenceLevel,
): RankInterval {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be an integer >= 1, got ${n}`);
  if (!(quantile > 0 && quantile < 1)) throw new RangeError(`quantile must be in (0, 1)`);
  const tail = (1 - confidence) / 2;
  const { first, pmf } = binomialWindow(n, quantile);
  // lowRank: the largest l with P(B < l) <= tail; P(B < first) is below 1e-30.
  let lowRank = first;
  let below = 0;
  for (let i = 0; i < pmf.length; i++) {
    if (below + pmf[i]! > tail) break;
    below += pmf[i]!;
    lowRank = first + i + 1;
  }
  // highRank: the smallest u with P(B >= u) <= tail.
  let highRank = first + pmf.length;
  let above = 0;
  for (let i = pmf.length - 1; i >= 0; i--) {
    if (above + pmf[i]! > tail) break;
    above += pmf[i]!;
    highRank = first + i;
  }
  return { lowRank, highRank: Math.max(highRank, lowRank) };
}

/** The rank of the point estimate: the ceil(q·n)-th smallest sample, as HdrHistogram reports. */
export function quantileRank(n: number, quantile: number): number {
  return Math.max(1, Math.ceil(quantile * n - 1e-9));
}
