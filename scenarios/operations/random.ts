// Seeded randomness for the drivers (STYLE.md section 7): sfc32 with one independent stream
// per purpose, derived from the scenario seed and a name, so two runs send the same requests.
// scenarios/ may not import simulator/, so this small generator lives here.

function hashName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, streamName = "root") {
    this.a = seed >>> 0;
    this.b = hashName(streamName);
    this.c = 0x9e3779b9;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A new independent stream named `streamName`. */
  fork(streamName: string): Random {
    return new Random(this.nextUint32(), streamName);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.next());
  }

  /** Lognormal with the given median and sigma (Box-Muller). */
  lognormal(median: number, sigma: number): number {
    const u1 = 1 - this.next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(sigma * normal);
  }
}

/**
 * Zipf-like ranks in [0, n): rank r has weight ~ 1/(r+1)^skew. Drawn by inverting the
 * continuous density x^-skew on [1, n+1) and flooring, which needs no table for 10^8 users;
 * it slightly flattens the head against the discrete law, acceptable for choosing load keys.
 */
export class ZipfRanks {
  constructor(
    private readonly n: number,
    private readonly skew: number,
  ) {}

  draw(random: Random): number {
    const u = random.next();
    const { n, skew } = this;
    let x: number;
    if (skew === 0) x = 1 + u * n;
    else if (Math.abs(skew - 1) < 1e-9) x = Math.exp(u * Math.log(n + 1));
    else {
      const oneMinus = 1 - skew;
      x = Math.pow(1 + u * (Math.pow(n + 1, oneMinus) - 1), 1 / oneMinus);
    }
    return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
  }
}
