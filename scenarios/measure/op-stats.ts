// What the HTTP driver counts while it runs: per operation the sends, outcomes, errors by code
// and two histograms (latency from the intended time, service time from the actual send), and
// for the run the send lag, late and dropped sends, and a one-second timeline for progress.
// Failures the driver decided itself, sending nothing (a plan's failWith, e.g.
// DELTA_EDITS_EXHAUSTED), are counted apart from the stack's errors: they say nothing of it.
import {
  newHistogram,
  percentilesMs,
  recordMs,
  type Histogram,
} from "../../formats/hdr-histogram.ts";

export class OperationStats {
  scheduledCount = 0;
  sentCount = 0;
  okCount = 0;
  errorCount = 0;
  droppedCount = 0;
  /** Sent during warm-up: their outcomes are not in the histograms. */
  warmupCount = 0;
  readonly errorsByCode = new Map<string, number>();
  /** Failures of the driver's own making (nothing was sent), by code; not in errorCount. */
  driverErrorCount = 0;
  readonly driverErrorsByCode = new Map<string, number>();
  readonly latency: Histogram = newHistogram();
  readonly serviceTime: Histogram = newHistogram();

  constructor(readonly operation: string) {}

  recordError(code: string): void {
    this.errorCount++;
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  recordDriverError(code: string): void {
    this.driverErrorCount++;
    this.driverErrorsByCode.set(code, (this.driverErrorsByCode.get(code) ?? 0) + 1);
  }
}

export interface TimelinePoint {
  tS: number;
  sentCount: number;
  okCount: number;
  errorCount: number;
  droppedCount: number;
  latencyMsP99: number;
}

/** The run so far, for the progress line: successes, errors and the p99 of every success. */
export interface RunSoFar {
  okSoFar: number;
  errorsSoFar: number;
  p99SoFarMs: number;
}

export class RunStats {
  readonly operations = new Map<string, OperationStats>();
  readonly sendLag: Histogram = newHistogram();
  lateCount = 0;
  droppedCount = 0;
  inFlight = 0;
  inFlightPeak = 0;
  readonly timeline: TimelinePoint[] = [];
  private interval = { sentCount: 0, okCount: 0, errorCount: 0, droppedCount: 0 };
  private readonly intervalLatency: Histogram = newHistogram();
  /** Every success's latency since the start, warm-up included: "p99 so far" on the progress line. */
  private readonly runLatency: Histogram = newHistogram();
  private okSoFar = 0;
  private errorsSoFar = 0;

  constructor(operations: readonly string[]) {
    for (const op of operations) this.operations.set(op, new OperationStats(op));
  }

  op(name: string): OperationStats {
    return this.operations.get(name)!;
  }

  noteSent(): void {
    this.interval.sentCount++;
  }
  noteDropped(): void {
    this.droppedCount++;
    this.interval.droppedCount++;
  }
  noteOutcome(ok: boolean, latencyMs: number): void {
    if (ok) {
      this.interval.okCount++;
      this.okSoFar++;
      recordMs(this.intervalLatency, latencyMs);
      recordMs(this.runLatency, latencyMs);
    } else {
      this.interval.errorCount++;
      this.errorsSoFar++;
    }
  }

  soFar(): RunSoFar {
    return {
      okSoFar: this.okSoFar,
      errorsSoFar: this.errorsSoFar,
      p99SoFarMs: percentilesMs(this.runLatency).p99,
    };
  }

  /** Closes the current one-second interval and returns its point. */
  closeInterval(tS: number): TimelinePoint {
    const point = { tS, ...this.interval, latencyMsP99: percentilesMs(this.intervalLatency).p99 };
    this.timeline.push(point);
    this.interval = { sentCount: 0, okCount: 0, errorCount: 0, droppedCount: 0 };
    this.intervalLatency.reset();
    return point;
  }

  totals(): { sentCount: number; okCount: number; errorCount: number } {
    let sentCount = 0,
      okCount = 0,
      errorCount = 0;
    for (const s of this.operations.values()) {
      sentCount += s.sentCount;
      okCount += s.okCount;
      errorCount += s.errorCount;
    }
    return { sentCount, okCount, errorCount };
  }
}
