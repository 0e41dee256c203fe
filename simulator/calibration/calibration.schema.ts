// calibration.json ("syncbench.calibration", schemaVersion 1): a fitted service-time
// distribution per part, the fit's error against the measured percentiles, and the measured
// operations (rate, concurrency, latency) so --validate can replay the measured load.
import type { VariateSpec } from "../core/variates.ts";
import type { MeasuredOperation } from "./measured.schema.ts";

export interface FittedPart {
  readonly spec: VariateSpec;
  readonly method: "lognormal-percentiles" | "lognormal-histogram" | "empirical-histogram";
  /** Fitted vs measured percentile, in percent (what the fit loses). */
  readonly p50ErrorPct: number;
  readonly p99ErrorPct: number;
  readonly samples: number | null;
}

export interface Calibration {
  readonly schemaVersion: 1;
  readonly kind: "syncbench.calibration";
  readonly source: { readonly file: string; readonly scenario: string };
  readonly parts: Readonly<Record<string, FittedPart>>;
  readonly operations: readonly MeasuredOperation[];
}

const specKinds = new Set(["exponential", "deterministic", "lognormal", "hyperexponential", "empirical"]);

export function validateCalibration(value: unknown): string[] {
  const errors: string[] = [];
  const v = value as Record<string, unknown>;
  if (typeof value !== "object" || value === null) return ["(root): expected a JSON object"];
  if (v.schemaVersion !== 1) errors.push(`schemaVersion: expected 1, got ${JSON.stringify(v.schemaVersion)}`);
  if (v.kind !== "syncbench.calibration") errors.push(`kind: expected "syncbench.calibration", got ${JSON.stringify(v.kind)}`);
  if (typeof v.parts !== "object" || v.parts === null) errors.push("parts: expected an object");
  else {
    for (const [name, part] of Object.entries(v.parts as Record<string, { spec?: { kind?: string } }>)) {
      if (!specKinds.has(part?.spec?.kind ?? "")) errors.push(`parts.${name}.spec.kind: expected one of ${[...specKinds].join(", ")}, got ${JSON.stringify(part?.spec?.kind)}`);
    }
  }
  if (!Array.isArray(v.operations)) errors.push("operations: expected an array");
  return errors;
}
