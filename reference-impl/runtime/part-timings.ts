// Server-side timings per part of the work ("s3.read", "chunkService.deltaApply",
// "metadataDb.commit", ...), named as the simulator's parts (simulator/models/design.ts), so that a
// measured run can calibrate the simulator part by part instead of end to end. Each part is an HDR
// histogram of microseconds in the one encoding of formats/hdr-histogram.ts (the drivers'), cumulative
// since the process started; a reader takes two snapshots and subtracts them for its window. The
// snapshot also carries the process's own CPU time (user + system), so a reader gets the CPU the
// process spent per request over its window (the utilisation law, D = U / X), which no part shows:
// a ChunkService spends far more CPU per delta upload (SDK, JSON, hashing) than its delta apply.
import { performance } from "node:perf_hooks";
import {
  encodeHistogram,
  newHistogram,
  recordMs,
  type Histogram,
} from "../../formats/hdr-histogram.ts";

export const partTimingsKind = "syncbench.part-timings";

/** Distinct part names one process records: a bound on its memory (~30 KiB per histogram). */
export const partNamesMax = 32;

export interface PartTimingsSnapshot {
  readonly kind: typeof partTimingsKind;
  readonly schemaVersion: 1;
  readonly source: string;
  /** Per part: samples recorded since the process started, and the HDR histogram (µs, compressed base64). */
  readonly parts: Readonly<
    Record<string, { readonly count: number; readonly histogramUs: string }>
  >;
  /** The process's CPU time since it started, user + system, in µs (absent from older processes). */
  readonly cpuUs?: number;
  /** Sampled queue lengths since the process started (runtime/queue-monitor.ts), if monitored. */
  readonly queues?: Readonly<
    Record<
      string,
      { readonly samplesCount: number; readonly sum: number; readonly nonZeroCount: number }
    >
  >;
}

export class PartTimings {
  private readonly parts = new Map<string, Histogram>();
  private dropped = 0;
  private queues: (() => PartTimingsSnapshot["queues"]) | undefined;

  constructor(private readonly source: string) {}

  /** Adds the queue monitor's gauge totals to every snapshot. */
  attachQueues(read: () => PartTimingsSnapshot["queues"]): void {
    this.queues = read;
  }

  /** Records one duration; beyond partNamesMax distinct names a new name is counted as dropped, never stored. */
  record(part: string, ms: number): void {
    let histogram = this.parts.get(part);
    if (!histogram) {
      if (this.parts.size >= partNamesMax) {
        this.dropped++;
        return;
      }
      histogram = newHistogram();
      this.parts.set(part, histogram);
    }
    recordMs(histogram, ms);
  }

  /** Times a promise, failed or not (a timed-out S3 read is a real latency). */
  async time<T>(part: string, work: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await work();
    } finally {
      this.record(part, performance.now() - startedAt);
    }
  }

  timeSync<T>(part: string, work: () => T): T {
    const startedAt = performance.now();
    try {
      return work();
    } finally {
      this.record(part, performance.now() - startedAt);
    }
  }

  /** Names refused because partNamesMax were already recorded (a programming error to fix). */
  get droppedCount(): number {
    return this.dropped;
  }

  snapshot(): PartTimingsSnapshot {
    const parts: Record<string, { count: number; histogramUs: string }> = {};
    for (const [name, h] of [...this.parts].sort(([a], [b]) => a.localeCompare(b))) {
      parts[name] = { count: h.totalCount, histogramUs: encodeHistogram(h) };
    }
    const cpu = process.cpuUsage();
    return {
      kind: partTimingsKind,
      schemaVersion: 1,
      source: this.source,
      parts,
      cpuUs: cpu.user + cpu.system,
      ...(this.queues ? { queues: this.queues() } : {}),
    };
  }
}

/**
 * Wraps the listed async methods of `target` so each call is timed under its part name; every
 * other property passes through untouched. The composition root wraps the real adapters with it,
 * so the use cases stay unaware of the measurement.
 */
export function timedMethods<T extends object>(
  target: T,
  timings: PartTimings,
  parts: Partial<Record<keyof T & string, string>>,
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      const part =
        typeof property === "string"
          ? (parts as Record<string, string | undefined>)[property]
          : undefined;
      if (part === undefined || typeof value !== "function") return value;
      return (...args: unknown[]) =>
        timings.time(part, () =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(object, args),
        );
    },
  });
}
