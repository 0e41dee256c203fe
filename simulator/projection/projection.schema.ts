// The projection file (projection.json) that `syncbench simulate` writes and reports/ reads:
// versioned ("schemaVersion": 1), self-describing (experiment, seed, replications, the
// calibration it used, the options), with every figure a replication mean and its 95 %
// confidence interval, and every target a verdict. validateProjection() lists all problems.

export const projectionSchemaVersion = 1;

export type Verdict = "holds" | "fails" | "uncertain";

export interface ProjectionMetric {
  readonly name: string;
  readonly unit: string;
  readonly mean: number;
  /** Half-width of the 95 % replication interval; null with one replication or a deterministic model. */
  readonly halfWidth: number | null;
  readonly replications: number;
  readonly target?: { readonly max: number; readonly claims: readonly string[]; readonly verdict: Verdict };
}

export type TableRow = Readonly<Record<string, number | string | null>>;

export interface Projection {
  readonly schemaVersion: 1;
  readonly kind: "syncbench.projection";
  readonly experiment: string;
  readonly seed: number;
  readonly replications: number;
  /** "design-defaults" or the calibration file's path, and the parts it replaced. */
  readonly calibration: { readonly source: string; readonly parts: readonly string[] };
  readonly options: Readonly<Record<string, number | string | boolean>>;
  readonly metrics: readonly ProjectionMetric[];
  readonly tables: Readonly<Record<string, readonly TableRow[]>>;
  readonly notes: readonly string[];
  readonly simulator: { readonly events: number };
}

/** Every problem with a candidate projection, each naming its path. */
export function validateProjection(value: unknown): string[] {
  const errors: string[] = [];
  if (typeof value !== "object" || value === null) return ["projection: expected an object"];
  const p = value as Record<string, unknown>;
  if (p.schemaVersion !== projectionSchemaVersion) {
    errors.push(`schemaVersion: expected ${projectionSchemaVersion}, got ${JSON.stringify(p.schemaVersion)}`);
  }
  if (p.kind !== "syncbench.projection") errors.push(`kind: expected "syncbench.projection", got ${JSON.stringify(p.kind)}`);
  for (const key of ["experiment"]) if (typeof p[key] !== "string") errors.push(`${key}: expected a string`);
  for (const key of ["seed", "replications"]) if (!Number.isInteger(p[key])) errors.push(`${key}: expected an integer`);
  if (!Array.isArray(p.metrics)) errors.push("metrics: expected an array");
  else p.metrics.forEach((m, i) => errors.push(...validateMetric(m, `metrics[${i}]`)));
  if (typeof p.tables !== "object" || p.tables === null) errors.push("tables: expected an object");
  if (!Array.isArray(p.notes)) errors.push("notes: expected an array");
  return errors;
}

function validateMetric(value: unknown, path: string): string[] {
  if (typeof value !== "object" || value === null) return [`${path}: expected an object`];
  const m = value as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof m.name !== "string") errors.push(`${path}.name: expected a string`);
  if (typeof m.mean !== "number") errors.push(`${path}.mean: expected a number, got ${JSON.stringify(m.mean)}`);
  if (m.halfWidth !== null && typeof m.halfWidth !== "number") errors.push(`${path}.halfWidth: expected a number or null`);
  return errors;
}
