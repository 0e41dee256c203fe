// Where a cross-rate prediction went wrong: the services' own part times of the calibration run
// (its fitted distributions) beside those of the run being predicted. The replay holds each part
// at its calibrated distribution, so a part that moved between the two runs is a queue the model
// does not have (an S3 server that slows with its load, Postgres commits waiting on each other).
// Pure: calibration and measured run in, rows out, largest p99 change in ms first (a tiny part
// that doubled matters less to the operation than a large one that grew by half).
import type { VariateSpec } from "../core/variates.ts";
import type { Calibration } from "../../formats/calibration.schema.ts";
import { histogramQuantile } from "./fit.ts";
import type { MeasuredRun } from "../../formats/measured.schema.ts";

export interface PartDriftRow {
  readonly part: string;
  readonly calibratedP50Ms: number;
  readonly calibratedP99Ms: number;
  readonly measuredP50Ms: number;
  readonly measuredP99Ms: number;
  /** (measured - calibrated) / calibrated, in percent. */
  readonly p99ChangePct: number;
}

const z = { 0.5: 0, 0.99: 2.3263478740408408 } as const;

/** The q-quantile of a fitted part in ms, for the two quantiles the replay reports. */
export function specQuantileMs(spec: VariateSpec, q: 0.5 | 0.99): number {
  switch (spec.kind) {
    case "lognormal":
      return Math.exp(spec.mu + z[q] * spec.sigma) * 1000;
    case "deterministic":
      return spec.valueS * 1000;
    case "exponential":
      return -Math.log(1 - q) * spec.meanS * 1000;
    case "empirical":
      return histogramQuantile(
        { boundsMs: spec.boundsS.map((b) => b * 1000), counts: spec.counts },
        q,
      );
    case "hyperexponential":
      return Number.NaN; // no closed-form quantile; never produced by calibrate
  }
}

/** Parts both runs timed, largest p99 change in ms first; empty when either side has none. */
export function partDrift(calibration: Calibration, measured: MeasuredRun): PartDriftRow[] {
  const rows: PartDriftRow[] = [];
  for (const part of measured.serverParts ?? []) {
    const fitted = calibration.parts[part.name];
    const t = part.serviceTimeMs;
    if (!fitted || !t) continue;
    const c99 = specQuantileMs(fitted.spec, 0.99);
    rows.push({
      part: part.name,
      calibratedP50Ms: specQuantileMs(fitted.spec, 0.5),
      calibratedP99Ms: c99,
      measuredP50Ms: t.p50,
      measuredP99Ms: t.p99,
      p99ChangePct: (100 * (t.p99 - c99)) / c99,
    });
  }
  const change = (r: PartDriftRow) => Math.abs(r.measuredP99Ms - r.calibratedP99Ms);
  return rows.sort((a, b) => change(b) - change(a));
}
