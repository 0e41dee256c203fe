// Seeded randomness for the drivers (STYLE.md section 7): the project's one PRNG and Zipf sampler
// (reference-impl/core/random.ts) under the names the drivers use. Random(seed, name) is the
// core's stream `name` of root `seed` (new Rng(seed).fork(name)), so two runs of a scenario send
// the same requests, and a driver's stream never shifts when another one is added.
import {
  exponential,
  hashName,
  mix32,
  normal,
  Rng,
  ZipfSampler,
} from "../../reference-impl/core/random.ts";

export class Random extends Rng {
  /** Stream `streamName` of root `seed` (an integer in 0..2^32-1, as scenarios validate it). */
  constructor(seed: number, streamName = "root") {
    super(seed, mix32(hashName(streamName)));
  }

  nextUint32(): number {
    return this.nextU32();
  }

  /** Uniform in (0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.below(n);
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return exponential(this, 1);
  }

  /** Lognormal with the given median and sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * normal(this));
  }
}

/** Zipf ranks in [0, n): rank r has probability (r+1)^-skew / H(n, skew), skew 0 uniform. */
export class ZipfRanks {
  private readonly sampler: ZipfSampler;

  constructor(n: number, skew: number) {
    this.sampler = new ZipfSampler(n, skew);
  }

  draw(random: Rng): number {
    return this.sampler.draw(random) - 1;
  }
}
