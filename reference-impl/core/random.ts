// The project's one source of randomness: xoshiro128** (Blackman & Vigna 2018) seeded through
// splitmix32, with named streams, and the one Zipf sampler. The simulator, the scenario drivers
// and the delta benchmark's corpus all draw from here (STYLE.md section 7). fork(name) derives a
// stream from the root seed and the name alone, so adding a stream never shifts the draws of the
// others. Uniforms carry 53 bits because tails (p99.9 of exponentials) need them.
// The simulator's projections are golden files: nothing here may change the stream of an
// existing method (random.test.ts pins the first draws of a seed).

const twoPow26 = 67_108_864;
const twoPow53 = 9_007_199_254_740_992;

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a stream name. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: turns any 32-bit input into a well-mixed 32-bit output. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The root seed and the stream key this generator was made from (for fork). */
  readonly seed: number;
  readonly streamKey: number;

  constructor(seed: number, streamKey = 0) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in 0..4294967295, got ${seed}`);
    }
    this.seed = seed;
    this.streamKey = streamKey >>> 0;
    let x = mix32(seed ^ mix32(this.streamKey));
    this.s0 = x = mix32(x);
    this.s1 = x = mix32(x);
    this.s2 = x = mix32(x);
    this.s3 = mix32(x) | 1; // never the all-zero state
  }

  /** An independent stream named `name`, derived from the root seed and the name only. */
  fork(name: string): Rng {
    return new Rng(this.seed, mix32(this.streamKey ^ hashName(name)));
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform on the open interval (0, 1) with 53 bits: never 0, so -ln(U) is finite. */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * twoPow26 + b + 0.5) / twoPow53;
  }

  /** Integer uniform on 0..n-1 (n ≤ 2^32), by multiply-shift; bias ≤ n / 2^53. */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** `length` random bytes, four per 32-bit draw, little-endian. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const v = this.nextU32();
      out[i] = v;
      if (i + 1 < length) out[i + 1] = v >>> 8;
      if (i + 2 < length) out[i + 2] = v >>> 16;
      if (i + 3 < length) out[i + 3] = v >>> 24;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
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

/**
 * Zipf on 1..n with P(k) ∝ k^-s by rejection-inversion (Hörmann & Derflinger 1996, as in
 * Apache Commons RejectionInversionZipfSampler): O(1) memory and time, exact, any n ≤ 2^53.
 * s = 0 is the uniform law on 1..n (the same formulas reduce to it: H(x) = x - 1, never
 * rejected). `sample()` draws from the stream given at construction (the simulator's models);
 * `draw(rng)` from a stream chosen per call (a scenario shares one stream between samplers).
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly threshold: number;

  constructor(
    readonly n: number,
    readonly s: number,
    private readonly rng?: Rng,
  ) {
    if (!(n >= 1) || !Number.isInteger(n) || !(s >= 0) || !Number.isFinite(s)) {
      throw new RangeError(`zipf needs an integer n ≥ 1 and a finite s ≥ 0, got n=${n} s=${s}`);
    }
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.threshold = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in 1..n from the construction's stream. */
  sample(): number {
    if (this.rng === undefined) {
      throw new RangeError("ZipfSampler.sample() needs a stream: use draw(rng)");
    }
    return this.draw(this.rng);
  }

  /** A rank in 1..n from `rng`. */
  draw(rng: Rng): number {
    for (;;) {
      const u = this.hIntegralN + rng.uniform() * (this.hIntegralX1 - this.hIntegralN);
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
  return Math.abs(x) > 1e-8
    ? Math.expm1(x) / x
    : 1 + x * 0.5 * (1 + ((x * 1) / 3) * (1 + 0.25 * x));
}
