// The one HDR histogram encoding of syncbench's files: values in microseconds from 1 µs to
// 10 minutes at 3 significant digits (0.1% relative error), stored as HdrHistogram's compressed
// base64 (results.json's histograms, the services' GET /internal/timings snapshots); the JS
// implementation (no WASM to load in holder processes), percentiles reported in milliseconds.
// The drivers record with it, reference-impl/runtime/part-timings.ts too, and the translator to
// the calibration's input decodes with it.
import * as hdr from "hdr-histogram-js";
import { z } from "zod";

/** An encoded histogram field in a file (µs values, compressed base64). */
export const histogramUsSchema = z
  .string()
  .min(1)
  .describe("HdrHistogram compressed base64 of microsecond values (1 µs .. 600 s, 3 digits)");

export type Histogram = hdr.Histogram;

export const histogramRange = {
  lowestUs: 1,
  highestUs: 600_000_000,
  significantDigits: 3,
} as const;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: histogramRange.lowestUs,
    highestTrackableValue: histogramRange.highestUs,
    numberOfSignificantValueDigits: histogramRange.significantDigits,
    useWebAssembly: false,
  });
}

/** Records a duration in ms, clamped into the histogram's range. */
export function recordMs(histogram: Histogram, valueMs: number): void {
  const us = Math.round(valueMs * 1000);
  histogram.recordValue(Math.min(histogramRange.highestUs, Math.max(histogramRange.lowestUs, us)));
}

export interface PercentilesMs {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function percentilesMs(histogram: Histogram): PercentilesMs {
  const at = (q: number) =>
    histogram.totalCount === 0 ? 0 : round3(histogram.getValueAtPercentile(q) / 1000);
  return {
    count: histogram.totalCount,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: round3(histogram.maxValue / 1000),
    mean: round3(histogram.totalCount === 0 ? 0 : histogram.mean / 1000),
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Adds every sample of `source` into `target` (holder histograms into the run's). */
export function mergeInto(target: Histogram, source: Histogram): void {
  target.add(source);
}
