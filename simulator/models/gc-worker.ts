// GCWorker backlog: orphaned blocks (ref_count reached 0) wait the 72 h grace period, then an
// hourly sweep deletes the eligible ones at the workers' delete rate; what the sweep cannot
// finish carries over. Cohort model: orphans are counted per hour (Poisson around a diurnal
// rate), so a 30-day run is 720 cohorts, not billions of block records.
import { normal, Rng } from "../../reference-impl/core/random.ts";

export interface GcOptions {
  /** Mean orphaned blocks per second (deletes + version expiry). */
  readonly orphanRatePerS: number;
  /** Peak-to-mean amplitude of the daily cycle (0 = flat). */
  readonly diurnalAmplitude: number;
  readonly graceH: number;
  readonly sweepEveryH: number;
  readonly workers: number;
  readonly deletesPerWorkerPerS: number;
  readonly days: number;
  readonly blockSizeBytes: number;
  readonly seed: number;
}

export interface GcResult {
  /** Orphans held (in grace or eligible and not yet deleted), hourly. */
  readonly orphanBlocksByHour: Float64Array;
  readonly eligibleBacklogByHour: Float64Array;
  readonly orphanBlocksMax: number;
  readonly eligibleBacklogMax: number;
  readonly sweepDurationMaxS: number;
  readonly orphanBytesMax: number;
}

export function simulateGcBacklog(o: GcOptions): GcResult {
  const rng = new Rng(o.seed).fork("gc");
  const hours = Math.round(o.days * 24);
  const created = new Float64Array(hours);
  const held = new Float64Array(hours),
    backlog = new Float64Array(hours);
  let eligible = 0,
    inGrace = 0,
    sweepMax = 0;
  const sweepCapacity = o.workers * o.deletesPerWorkerPerS * 3600 * o.sweepEveryH;
  for (let h = 0; h < hours; h++) {
    const mean =
      o.orphanRatePerS * 3600 * (1 + o.diurnalAmplitude * Math.sin((2 * Math.PI * h) / 24));
    const n = Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng))); // Poisson ≈ normal at 1e6+/h
    created[h] = n;
    inGrace += n;
    if (h >= o.graceH) {
      inGrace -= created[h - o.graceH]!;
      eligible += created[h - o.graceH]!;
    }
    if (h % o.sweepEveryH === 0) {
      const deleted = Math.min(eligible, sweepCapacity);
      sweepMax = Math.max(sweepMax, deleted / (o.workers * o.deletesPerWorkerPerS));
      eligible -= deleted;
    }
    held[h] = inGrace + eligible;
    backlog[h] = eligible;
  }
  const orphanMax = Math.max(...held);
  return {
    orphanBlocksByHour: held,
    eligibleBacklogByHour: backlog,
    orphanBlocksMax: orphanMax,
    eligibleBacklogMax: Math.max(...backlog),
    sweepDurationMaxS: sweepMax,
    orphanBytesMax: orphanMax * o.blockSizeBytes,
  };
}
