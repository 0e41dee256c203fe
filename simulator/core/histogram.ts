// An HDR-style log-bucketed histogram for latencies in seconds: the bucket of x is its binary
// exponent and the top 10 bits of its mantissa, read straight from the float's bits, so a
// record costs no Math.log. Bucket width is 2^-10 of the value, so a quantile read at the
// bucket midpoint is within ±0.05 % of the true sample quantile. Range 2^-30 s (0.93 ns) to
// 2^24 s (194 days); values outside are clamped into the end buckets and counted.
// Means come from the exact running sum, never from the buckets.

const subBits = 10;
const subCount = 1 << subBits;
const expMin = 1023 - 30; // biased exponent of 2^-30
const expMax = 1023 + 24;
const bucketCount = (expMax - expMin + 1) * subCount;

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
const hiWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: 1

export class Histogram {
  private counts: Uint32Array | undefined;
  count = 0;
  // sum, sum of squares, min, max: unboxed doubles (an object's double field is a boxed heap
  // number in V8, a load and a store per update on the hottest path of every run)
  private readonly m = Float64Array.of(0, 0, Infinity, -Infinity);
  get sum(): number {
    return this.m[0]!;
  }
  get sumSquares(): number {
    return this.m[1]!;
  }
  get min(): number {
    return this.m[2]!;
  }
  get max(): number {
    return this.m[3]!;
  }
  clamped = 0;
  /** Values ≤ 0 (a wait of exactly zero), kept apart so P(W > 0) is exact. */
  zeros = 0;

  record(x: number): void {
    this.count++;
    const m = this.m;
    m[0]! += x;
    m[1]! += x * x;
    if (x < m[2]!) m[2] = x;
    if (x > m[3]!) m[3] = x;
    if (x <= 0) {
      this.zeros++;
      return;
    }
    scratch[0] = x;
    const hi = scratchBits[hiWord]!;
    const exponent = hi >>> 20; // sign bit is 0 for x > 0
    const counts = this.counts;
    if (counts === undefined || exponent < expMin || exponent > expMax) return this.recordRare(hi);
    counts[((exponent - expMin) << subBits) | ((hi >>> (20 - subBits)) & (subCount - 1))]!++;
  }

  /** The first bucketed value (allocates the buckets) or one outside the range (clamped). */
  private recordRare(hi: number): void {
    const counts = (this.counts ??= new Uint32Array(bucketCount));
    const exponent = hi >>> 20;
    let index = ((exponent - expMin) << subBits) | ((hi >>> (20 - subBits)) & (subCount - 1));
    if (exponent < expMin) {
      index = 0;
      this.clamped++;
    } else if (exponent > expMax) {
      index = bucketCount - 1;
      this.clamped++;
    }
    counts[index]!++;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  get variance(): number {
    if (this.count < 2) return NaN;
    const m = this.mean;
    return Math.max(0, (this.sumSquares - this.count * m * m) / (this.count - 1));
  }

  /** The q-quantile (0 < q < 1) at the bucket midpoint: relative error ≤ 2^-11. */
  quantile(q: number): number {
    const counts = this.counts;
    if (this.count === 0) return NaN;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = this.zeros;
    if (seen >= target || !counts) return 0;
    for (let i = 0; i < bucketCount; i++) {
      seen += counts[i]!;
      if (seen >= target) return Math.min(this.max, Math.max(this.min, bucketMid(i)));
    }
    return this.max;
  }

  /** Width of the bucket that holds x (0 for x ≤ 0): a quantile read here is known to this much. */
  static bucketWidthAt(x: number): number {
    if (!(x > 0)) return 0;
    return 2 ** Math.floor(Math.log2(x)) / subCount;
  }

  /** Fraction of recorded values strictly greater than t (to bucket resolution). */
  fractionAbove(t: number): number {
    const counts = this.counts;
    if (this.count === 0) return NaN;
    if (!counts) return 0;
    let above = 0;
    for (let i = bucketCount - 1; i >= 0 && bucketMid(i) > t; i--) above += counts[i]!;
    return above / this.count;
  }

  merge(other: Histogram): void {
    if (other.counts) {
      const counts = (this.counts ??= new Uint32Array(bucketCount));
      for (let i = 0; i < bucketCount; i++) counts[i]! += other.counts[i]!;
    }
    this.count += other.count;
    const m = this.m;
    m[0]! += other.sum;
    m[1]! += other.sumSquares;
    m[2] = Math.min(m[2]!, other.min);
    m[3] = Math.max(m[3]!, other.max);
    this.clamped += other.clamped;
    this.zeros += other.zeros;
  }

  /** Non-empty buckets as [lowerS, upperS, count] rows: the calibration input's histogram form. */
  buckets(): Array<[number, number, number]> {
    const rows: Array<[number, number, number]> = [];
    const counts = this.counts;
    if (!counts) return rows;
    for (let i = 0; i < bucketCount; i++) {
      if (counts[i]! > 0) rows.push([bucketLow(i), bucketLow(i + 1), counts[i]!]);
    }
    return rows;
  }
}

function bucketLow(i: number): number {
  const exponent = (i >>> subBits) + expMin - 1023;
  return 2 ** exponent * (1 + (i & (subCount - 1)) / subCount);
}

function bucketMid(i: number): number {
  const exponent = (i >>> subBits) + expMin - 1023;
  return 2 ** exponent * (1 + ((i & (subCount - 1)) + 0.5) / subCount);
}
