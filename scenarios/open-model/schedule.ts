// Intended send times for an open-model run: the arrival process as a lazy sequence of offsets
// in ms from the run's start, never an array (25K/s x 60 s would be 1.5M entries). Each stage
// has a rate that moves linearly; inverting its cumulative intensity gives exact uniform
// spacing, and exponential increments give a (non-homogeneous) Poisson process.
import type { Arrival } from "../scenario.ts";
import type { Random } from "../operations/random.ts";

interface Segment {
  readonly startMs: number;
  readonly durationMs: number;
  /** Rates in requests per ms at the start and the end of the segment. */
  readonly rate0PerMs: number;
  readonly rate1PerMs: number;
}

export function segmentsOf(arrival: Arrival): Segment[] {
  if (arrival.kind === "constant-arrival-rate") {
    const ratePerMs = arrival.ratePerS / 1000;
    return [
      {
        startMs: 0,
        durationMs: arrival.durationS * 1000,
        rate0PerMs: ratePerMs,
        rate1PerMs: ratePerMs,
      },
    ];
  }
  const segments: Segment[] = [];
  let startMs = 0;
  let fromPerS = arrival.startRatePerS;
  for (const stage of arrival.stages) {
    const durationMs = stage.durationS * 1000;
    segments.push({
      startMs,
      durationMs,
      rate0PerMs: fromPerS / 1000,
      rate1PerMs: stage.targetRatePerS / 1000,
    });
    startMs += durationMs;
    fromPerS = stage.targetRatePerS;
  }
  return segments;
}

/** The expected number of arrivals of a segment: the area under its rate. */
function segmentArea(s: Segment): number {
  return ((s.rate0PerMs + s.rate1PerMs) / 2) * s.durationMs;
}

/** Time into the segment at which the cumulative intensity reaches `area`. */
function timeForArea(s: Segment, area: number): number {
  const a = (s.rate1PerMs - s.rate0PerMs) / (2 * s.durationMs);
  const b = s.rate0PerMs;
  if (Math.abs(a) < 1e-15) return area / b;
  return (-b + Math.sqrt(b * b + 4 * a * area)) / (2 * a);
}

export class ArrivalSchedule {
  private readonly segments: Segment[];
  private segmentIndex = 0;
  /** Cumulative intensity already used inside the current segment. */
  private areaUsed = 0;
  /** Number of intended sends produced so far. */
  producedCount = 0;

  constructor(
    arrival: Arrival,
    private readonly random: Random,
    private readonly poisson: boolean,
  ) {
    this.segments = segmentsOf(arrival);
  }

  /** The next intended send offset in ms, or undefined when the arrival process has ended. */
  next(): number | undefined {
    let increment = this.poisson ? this.random.exponential() : 1;
    while (this.segmentIndex < this.segments.length) {
      const segment = this.segments[this.segmentIndex]!;
      const remaining = segmentArea(segment) - this.areaUsed;
      if (increment <= remaining) {
        this.areaUsed += increment;
        this.producedCount++;
        return segment.startMs + Math.min(segment.durationMs, timeForArea(segment, this.areaUsed));
      }
      increment -= remaining;
      this.segmentIndex++;
      this.areaUsed = 0;
    }
    return undefined;
  }
}

/** Expected arrivals between two offsets, for "rate asked" over the measured window. */
export function expectedArrivals(arrival: Arrival, fromMs: number, toMs: number): number {
  let total = 0;
  for (const s of segmentsOf(arrival)) {
    const lo = Math.max(fromMs, s.startMs);
    const hi = Math.min(toMs, s.startMs + s.durationMs);
    if (hi <= lo) continue;
    const rateAt = (t: number) =>
      s.rate0PerMs + ((s.rate1PerMs - s.rate0PerMs) * (t - s.startMs)) / s.durationMs;
    total += ((rateAt(lo) + rateAt(hi)) / 2) * (hi - lo);
  }
  return total;
}
