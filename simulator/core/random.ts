// The one source of randomness in the simulator: xoshiro128** (Blackman & Vigna 2018) seeded
// through splitmix32, with named streams. fork(name) derives a stream from the root seed and the
// name alone, so adding a stream never shifts the draws of the others (STYLE.md section 7).
// Uniforms carry 53 bits because tails (p99.9 of exponentials) need them.

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
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
