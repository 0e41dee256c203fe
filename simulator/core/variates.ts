// Random variates drawn from an Rng: exponential, deterministic, lognormal, hyper-exponential,
// empirical (from a measured histogram) and binomial (for cohort models). A VariateSpec is the
// serialisable form used by models and calibration.json; makeSampler compiles it once per
// station, never per event. The generator, the standard normal and the Zipf sampler are the
// project's shared ones (reference-impl/core/random.ts).
import { normal, type Rng } from "../../reference-impl/core/random.ts";

export type VariateSpec =
  | { readonly kind: "exponential"; readonly meanS: number }
  | { readonly kind: "deterministic"; readonly valueS: number }
  | { readonly kind: "lognormal"; readonly mu: number; readonly sigma: number }
  | {
      readonly kind: "hyperexponential";
      readonly p: number;
      readonly mean1S: number;
      readonly mean2S: number;
    }
  | {
      readonly kind: "empirical";
      readonly boundsS: readonly number[];
      readonly counts: readonly number[];
    };

export type Sampler = () => number;

/** Lognormal parameters for a given mean and coefficient of variation. */
export function lognormalFromMean(meanS: number, cv: number): VariateSpec {
  const sigma2 = Math.log(1 + cv * cv);
  return { kind: "lognormal", mu: Math.log(meanS) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/** E[S] and E[S²] of a spec: what Pollaczek-Khinchine and the utilisation law need. */
export function moments(spec: VariateSpec): { mean: number; secondMoment: number } {
  switch (spec.kind) {
    case "exponential":
      return { mean: spec.meanS, secondMoment: 2 * spec.meanS * spec.meanS };
    case "deterministic":
      return { mean: spec.valueS, secondMoment: spec.valueS * spec.valueS };
    case "lognormal":
      return {
        mean: Math.exp(spec.mu + (spec.sigma * spec.sigma) / 2),
        secondMoment: Math.exp(2 * spec.mu + 2 * spec.sigma * spec.sigma),
      };
    case "hyperexponential": {
      const { p, mean1S: a, mean2S: b } = spec;
      return { mean: p * a + (1 - p) * b, secondMoment: 2 * (p * a * a + (1 - p) * b * b) };
    }
    case "empirical":
      return empiricalMoments(spec.boundsS, spec.counts);
  }
}

function empiricalMoments(bounds: readonly number[], counts: readonly number[]) {
  let n = 0,
    m1 = 0,
    m2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const lo = bounds[i]!,
      hi = bounds[i + 1]!,
      c = counts[i]!;
    n += c;
    m1 += (c * (lo + hi)) / 2;
    m2 += (c * (lo * lo + lo * hi + hi * hi)) / 3; // uniform within the bucket
  }
  return { mean: m1 / n, secondMoment: m2 / n };
}

/** Compile a spec into a sampler bound to one stream. */
export function makeSampler(spec: VariateSpec, rng: Rng): Sampler {
  switch (spec.kind) {
    case "exponential": {
      const m = spec.meanS;
      return () => -Math.log(rng.uniform()) * m;
    }
    case "deterministic": {
      const v = spec.valueS;
      return () => v;
    }
    case "lognormal": {
      const { mu, sigma } = spec;
      return () => Math.exp(mu + sigma * normal(rng));
    }
    case "hyperexponential": {
      const { p, mean1S, mean2S } = spec;
      return () => -Math.log(rng.uniform()) * (rng.uniform() < p ? mean1S : mean2S);
    }
    case "empirical":
      return empiricalSampler(spec.boundsS, spec.counts, rng);
  }
}

/** Inverse CDF of a histogram: choose a bucket by its count, then uniform inside it. */
function empiricalSampler(bounds: readonly number[], counts: readonly number[], rng: Rng): Sampler {
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  counts.forEach((c, i) => (cumulative[i] = total += c));
  const lo = Float64Array.from(bounds.slice(0, -1));
  const hi = Float64Array.from(bounds.slice(1));
  return () => {
    const u = rng.uniform() * total;
    let a = 0,
      b = cumulative.length - 1;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (cumulative[m]! < u) a = m + 1;
      else b = m;
    }
    const below = a === 0 ? 0 : cumulative[a - 1]!;
    const within = (u - below) / (cumulative[a]! - below);
    return lo[a]! + within * (hi[a]! - lo[a]!);
  };
}

/**
 * Binomial(n, p): exact inversion when n·min(p,1-p) < 30, otherwise the normal approximation
 * with continuity correction, clamped to 0..n (error O(1/√(np)); used only by cohort models
 * where n is in the thousands to millions, documented in models/population.ts).
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  let k: number;
  if (n * q < 30) {
    const logQ = Math.log1p(-q);
    k = 0;
    let position = 0; // waiting-time method: geometric gaps between successes
    for (;;) {
      position += Math.floor(Math.log(rng.uniform()) / logQ) + 1;
      if (position > n) break;
      k++;
    }
  } else {
    const x = Math.round(n * q + Math.sqrt(n * q * (1 - q)) * normal(rng));
    k = x < 0 ? 0 : x > n ? n : x;
  }
  return flip ? n - k : k;
}
