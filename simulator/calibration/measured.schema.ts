// The minimal measured-run input calibration reads ("syncbench.measured-ops", schemaVersion 1).
// It is a projection of scenarios/results.schema.ts (being designed): per operation the count,
// the rate achieved, end-to-end latency percentiles and/or a histogram, and per part (a named
// stage such as "chunkService.deltaApply" or "s3.read") the server-side service times and the
// concurrency that served them. Example:
//   { "schemaVersion": 1, "kind": "syncbench.measured-ops", "scenario": "design-peak-25k",
//     "durationS": 60, "operations": [{ "name": "deltaUpload", "count": 12000,
//     "rateAchievedPerS": 200, "latencyMs": { "p50": 41.2, "p99": 88.0 },
//     "parts": [{ "name": "chunkService.deltaApply", "servers": 2,
//                 "serviceTimeMs": { "p50": 28.1, "p99": 61.0 },
//                 "histogram": { "boundsMs": [0, 10, 20, 40, 80], "counts": [3, 50, 40, 7] } },
//               { "name": "s3.read", "servers": null, "serviceTimeMs": { "p50": 18, "p99": 40 } }] }] }
// "servers": null marks a stage without a queue (a pure delay: S3, network).

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly mean?: number;
}

export interface HistogramInput {
  /** Bucket edges in ms, ascending, length = counts.length + 1. */
  readonly boundsMs: readonly number[];
  readonly counts: readonly number[];
}

export interface MeasuredPart {
  readonly name: string;
  readonly servers: number | null;
  readonly serviceTimeMs?: Percentiles;
  readonly histogram?: HistogramInput;
}

export interface MeasuredOperation {
  readonly name: string;
  readonly count: number;
  readonly rateAchievedPerS: number;
  readonly latencyMs: Percentiles;
  readonly parts: readonly MeasuredPart[];
}

export interface MeasuredRun {
  readonly schemaVersion: 1;
  readonly kind: "syncbench.measured-ops";
  readonly scenario: string;
  readonly durationS: number;
  readonly operations: readonly MeasuredOperation[];
  /**
   * Server-side timings per part over the measured window ("s3.read", "chunkService.deltaApply",
   * ...), named as the simulator's parts: what the services themselves measured, not per operation.
   */
  readonly serverParts?: readonly MeasuredPart[];
}

export const measuredLimits = { operationsMax: 64, partsMax: 32, bucketsMax: 100_000, serversMax: 100_000, rateMaxPerS: 1e7 } as const;

type Errors = string[];
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function checkPercentiles(v: unknown, path: string, errors: Errors): void {
  if (typeof v !== "object" || v === null) return void errors.push(`${path}: expected { p50, p99 } in ms, got ${JSON.stringify(v)}`);
  const p = v as Record<string, unknown>;
  if (!isNum(p.p50) || p.p50 <= 0) errors.push(`${path}.p50: must be a number > 0, got ${JSON.stringify(p.p50)}`);
  if (!isNum(p.p99) || p.p99 <= 0) errors.push(`${path}.p99: must be a number > 0, got ${JSON.stringify(p.p99)}`);
  else if (isNum(p.p50) && p.p99 < p.p50) errors.push(`${path}.p99: must be ≥ p50 (${p.p50}), got ${p.p99}`);
}

function checkHistogram(v: unknown, path: string, errors: Errors): void {
  const h = v as Record<string, unknown>;
  const bounds = h?.boundsMs, counts = h?.counts;
  if (!Array.isArray(bounds) || !Array.isArray(counts)) return void errors.push(`${path}: expected { boundsMs: number[], counts: number[] }`);
  if (counts.length > measuredLimits.bucketsMax) errors.push(`${path}.counts: at most ${measuredLimits.bucketsMax} buckets, got ${counts.length}`);
  if (bounds.length !== counts.length + 1) errors.push(`${path}.boundsMs: length must be counts.length + 1 = ${counts.length + 1}, got ${bounds.length}`);
  bounds.forEach((b, i) => {
    if (!isNum(b) || b < 0 || (i > 0 && b <= (bounds[i - 1] as number))) errors.push(`${path}.boundsMs[${i}]: must be ≥ 0 and increasing, got ${JSON.stringify(b)}`);
  });
  counts.forEach((c, i) => { if (!isNum(c) || c < 0) errors.push(`${path}.counts[${i}]: must be ≥ 0, got ${JSON.stringify(c)}`); });
  if (counts.every((c) => c === 0)) errors.push(`${path}.counts: all buckets are empty`);
}

function checkPart(v: unknown, path: string, errors: Errors): void {
  const p = v as Record<string, unknown>;
  if (typeof p?.name !== "string" || p.name === "") errors.push(`${path}.name: expected a non-empty string`);
  if (p?.servers !== null && (!Number.isInteger(p?.servers) || (p.servers as number) < 1 || (p.servers as number) > measuredLimits.serversMax)) {
    errors.push(`${path}.servers: must be null (pure delay) or an integer in 1..${measuredLimits.serversMax}, got ${JSON.stringify(p?.servers)}`);
  }
  if (p?.serviceTimeMs === undefined && p?.histogram === undefined) errors.push(`${path}: needs serviceTimeMs or histogram`);
  if (p?.serviceTimeMs !== undefined) checkPercentiles(p.serviceTimeMs, `${path}.serviceTimeMs`, errors);
  if (p?.histogram !== undefined) checkHistogram(p.histogram, `${path}.histogram`, errors);
}

function checkOperation(v: unknown, path: string, errors: Errors): void {
  const o = v as Record<string, unknown>;
  if (typeof o?.name !== "string" || o.name === "") errors.push(`${path}.name: expected a non-empty string`);
  if (!Number.isInteger(o?.count) || (o.count as number) < 1) errors.push(`${path}.count: must be an integer ≥ 1, got ${JSON.stringify(o?.count)}`);
  if (!isNum(o?.rateAchievedPerS) || o.rateAchievedPerS <= 0 || o.rateAchievedPerS > measuredLimits.rateMaxPerS) {
    errors.push(`${path}.rateAchievedPerS: must be in (0, ${measuredLimits.rateMaxPerS}], got ${JSON.stringify(o?.rateAchievedPerS)}`);
  }
  checkPercentiles(o?.latencyMs, `${path}.latencyMs`, errors);
  if (!Array.isArray(o?.parts) || o.parts.length === 0 || o.parts.length > measuredLimits.partsMax) {
    return void errors.push(`${path}.parts: expected 1..${measuredLimits.partsMax} parts, got ${JSON.stringify(o?.parts)?.slice(0, 40)}`);
  }
  o.parts.forEach((p, i) => checkPart(p, `${path}.parts[${i}]`, errors));
}

/** Every problem in a measured-run file, each with its path, the value and the limit. */
export function validateMeasuredRun(value: unknown): Errors {
  const errors: Errors = [];
  const v = value as Record<string, unknown>;
  if (typeof value !== "object" || value === null) return ["(root): expected a JSON object"];
  if (v.schemaVersion !== 1) errors.push(`schemaVersion: expected 1, got ${JSON.stringify(v.schemaVersion)}`);
  if (v.kind !== "syncbench.measured-ops") errors.push(`kind: expected "syncbench.measured-ops", got ${JSON.stringify(v.kind)}`);
  if (typeof v.scenario !== "string") errors.push(`scenario: expected a string, got ${JSON.stringify(v.scenario)}`);
  if (!isNum(v.durationS) || v.durationS <= 0) errors.push(`durationS: must be a number > 0, got ${JSON.stringify(v.durationS)}`);
  const known = new Set(["schemaVersion", "kind", "scenario", "durationS", "operations", "serverParts"]);
  Object.keys(v).filter((k) => !known.has(k)).forEach((k) => errors.push(`${k}: unknown key`));
  if (!Array.isArray(v.operations) || v.operations.length === 0 || v.operations.length > measuredLimits.operationsMax) {
    errors.push(`operations: expected 1..${measuredLimits.operationsMax} operations`);
  } else v.operations.forEach((o, i) => checkOperation(o, `operations[${i}]`, errors));
  if (v.serverParts !== undefined) {
    if (!Array.isArray(v.serverParts) || v.serverParts.length > measuredLimits.partsMax) {
      errors.push(`serverParts: expected an array of at most ${measuredLimits.partsMax} parts`);
    } else v.serverParts.forEach((p, i) => checkPart(p, `serverParts[${i}]`, errors));
  }
  return errors;
}
