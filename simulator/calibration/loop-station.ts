// The queue the pure-delay replay lacked (issue 18): each ChunkService process runs every
// request's CPU work on one event loop, so a delta upload waits behind the other uploads' CPU in
// its process, and that wait grows with the rate while the parts timed around an `await` (S3,
// Postgres, Kafka) take it in. The replay adds one station per process (servers = processes,
// service = the measured CPU per delta upload, chunkService.cpu) in front of the client's part,
// and takes out of the client's part the response that station had at the calibration's own rate
// (it was measured inside it), so the calibration run still replays as itself and another rate
// moves by the station's change in wait. The per-process wait is M/D/1 (Pollaczek-Khinchine with
// a constant service, W = ρS / 2(1 − ρ)), the arrivals split evenly by the round-robin pool.
import type { VariateSpec } from "../core/variates.ts";
import { specQuantileMs } from "./part-drift.ts";

export interface LoopStation {
  /** ChunkService processes (one event loop each). */
  readonly servers: number;
  /** CPU per delta upload, seconds (the utilisation law, chunkService.cpu). */
  readonly serviceS: number;
  /** The calibration run's delta-upload rate, whose loop response the client part holds. */
  readonly calibrationRatePerS: number;
}

/** Mean response (wait + service) of one loop at `ratePerS` split over `servers`, seconds. */
export function loopResponseS(loop: LoopStation, ratePerS: number): number {
  const rho = (ratePerS / loop.servers) * loop.serviceS;
  if (rho >= 1) return Number.POSITIVE_INFINITY;
  return loop.serviceS + (rho * loop.serviceS) / (2 * (1 - rho));
}

const quantilesCount = 400;

/**
 * `spec` moved left by `shiftS` (values below 0 become 0), as an empirical distribution through
 * its quantiles; the tail keeps its shape, which scaling would not.
 */
export function shiftedSpec(spec: VariateSpec, shiftS: number): VariateSpec {
  const boundsS: number[] = [];
  for (let i = 0; i <= quantilesCount; i++) {
    const q = Math.min(0.9999, Math.max(0.0001, i / quantilesCount));
    boundsS.push(Math.max(0, quantileS(spec, q) - shiftS));
  }
  // Strictly increasing bounds: equal neighbours (the clamp at 0) get a nanosecond apart.
  for (let i = 1; i < boundsS.length; i++)
    boundsS[i] = Math.max(boundsS[i]!, boundsS[i - 1]! + 1e-9);
  return { kind: "empirical", boundsS, counts: Array.from({ length: quantilesCount }, () => 1) };
}

const z = (q: number) => {
  // Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [
    -54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857,
  ];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373,
    4.37466414146497, 2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const tail = (p: number) => {
    const t = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) /
      ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1)
    );
  };
  if (q < 0.02425) return tail(q);
  if (q > 1 - 0.02425) return -tail(1 - q);
  const r = q - 0.5,
    s = r * r;
  return (
    ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) /
    (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1)
  );
};

function quantileS(spec: VariateSpec, q: number): number {
  switch (spec.kind) {
    case "lognormal":
      return Math.exp(spec.mu + z(q) * spec.sigma);
    case "exponential":
      return -Math.log(1 - q) * spec.meanS;
    case "deterministic":
      return spec.valueS;
    case "empirical":
    case "hyperexponential":
      return specQuantileMsAny(spec, q) / 1000;
  }
}

/** Empirical quantiles by linear interpolation inside buckets (as part-drift reads them). */
function specQuantileMsAny(spec: VariateSpec, q: number): number {
  if (spec.kind !== "empirical") return Number.NaN;
  const total = spec.counts.reduce((s, c) => s + c, 0);
  let seen = 0;
  for (let i = 0; i < spec.counts.length; i++) {
    const c = spec.counts[i]!;
    if (c > 0 && seen + c >= q * total) {
      const lo = spec.boundsS[i]!,
        hi = spec.boundsS[i + 1]!;
      return (lo + ((q * total - seen) / c) * (hi - lo)) * 1000;
    }
    seen += c;
  }
  return specQuantileMs(spec, 0.99);
}
