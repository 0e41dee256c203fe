// Random variates drawn from an Rng: exponential, deterministic, lognormal, hyper-exponential,
// empirical (from a measured histogram), Zipf (rejection-inversion, for catalogues of 700M
// users) and binomial (for cohort models). A VariateSpec is the serialisable form used by
// models and calibration.json; makeSampler compiles it once per station, never per event.
import { Rng } from "./random.ts";

export type VariateSpec =
  | { readonly kind: "exponential"; readonly meanS: number }
  | { readonly kind: "deterministic"; readonly valueS: number }
  | { readonly kind: "lognormal"; readonly mu: number; readonly sigma: number }
  | { readonly kind: "hyperexponential"; readonly p: number; readonly mean1S: number; readonly mean2S: number }
  | { readonly kind: "empirical"; readonly boundsS: readonly number[]; readonly counts: readonly number[] };

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
  let n = 0, m1 = 0, m2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const lo = bounds[i]!, hi = bounds[i + 1]!, c = counts[i]!;
    n += c;
    m1 += (c * (lo + hi)) / 2;
    m2 += (c * (lo * lo + lo * hi + hi * hi)) / 3; // uniform within the bucket
  }
  return { mean: m1 / n, secondMoment: m2 / n };
}

/** Standard normal by the Marsaglia polar method (no cached second value: stateless). */
export function normal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.uniform() - 1;
    const v = 2 * rng.uniform() - 1;
    const s = u * u + v * v;
    if (s < 1 && s > 0) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

export function exponential(rng: Rng, meanS: number): number {
  return -Math.log(rng.uniform()) * meanS;
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
    let a = 0, b = cumulative.length - 1;
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
 * Zipf on 1..n with P(k) ∝ k^-s by rejection-inversion (Hörmann & Derflinger 1996, as in
 * Apache Commons RejectionInversionZipfSampler): O(1) memory and time, exact, any n ≤ 2^53.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly threshold: number;

  constructor(readonly n: number, readonly s: number, private readonly rng: Rng) {
    if (!(n >= 1) || !(s > 0)) throw new RangeError(`zipf needs n ≥ 1 and s > 0, got n=${n} s=${s}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.threshold = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  sample(): number {
    for (;;) {
      const u = this.hIntegralN + this.rng.uniform() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.threshold || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.s) * logX) * logX;
  }
  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

/** log1p(x)/x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}
/** (exp(x)-1)/x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x * 1) / 3 * (1 + 0.25 * x));
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
