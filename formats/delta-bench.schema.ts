// What `npm run bench:delta -- --json` writes ("syncbench.delta-bench", schemaVersion 1): per
// block pair, syncbench's delta size and encode/decode times beside the anchor tools'. The claims
// ledger reads syncbench's cells (C01, C02, C04-C07, C35). Rows keep the fields the bench adds
// over time (floors, anchors): only the ones named here are checked. A file written before the
// bench stamped its kind (no "kind", but "synthetic" and "targets") is read as schemaVersion 1.
import { z } from "zod";
import {
  checkFormat,
  checkKindAndVersion,
  jsonValue,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const deltaBenchSchemaVersion = 1;

export const deltaBenchFormat: FormatDescription = {
  what: "delta bench",
  kind: "syncbench.delta-bench",
  schemaVersion: deltaBenchSchemaVersion,
  code: "DELTA_BENCH_INVALID",
};

const cell = z.looseObject({
  bytes: z.number().int().min(0),
  /** Median of `runs` runs, wall clock. */
  encodeMs: z.number().min(0),
  decodeMs: z.number().min(0),
  roundTripOk: z.boolean(),
  runs: z.number().int().min(1),
});

const row = z.looseObject({
  corpus: z.string(),
  /** "<content>-<edit>" for synthetic pairs: "text-overwrite100" is a 100-byte edit of text. */
  name: z.string(),
  kind: z.string(),
  newBytes: z.number().int().min(0),
  cells: z.record(z.string(), cell),
});

export const deltaBenchSchema = z.looseObject({
  kind: z.literal(deltaBenchFormat.kind),
  schemaVersion: z.literal(deltaBenchSchemaVersion),
  runs: z.number().int().min(1),
  quick: z.boolean(),
  loadavgBefore: z.string(),
  synthetic: z.array(row),
  real: z.array(row),
  targets: z.array(z.looseObject({ name: z.string(), met: z.boolean() })),
});

export type DeltaBench = DeepReadonly<z.infer<typeof deltaBenchSchema>>;
export type DeltaBenchRow = DeltaBench["synthetic"][number];

/** Validates before the bench prints it. */
export function checkDeltaBench(value: unknown, source: string): DeltaBench {
  return checkFormat(deltaBenchSchema, value, deltaBenchFormat, source);
}

/** Did `value` come from bench:delta (stamped, or an unstamped file of the first version)? */
export function looksLikeDeltaBench(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === deltaBenchFormat.kind ||
    (v.kind === undefined && Array.isArray(v.synthetic) && Array.isArray(v.targets))
  );
}

/** bench:delta --json output (text or parsed) -> DeltaBench, or DELTA_BENCH_INVALID. */
export function parseDeltaBenchFile(input: unknown, source = "(input)"): DeltaBench {
  const value = jsonValue(input, deltaBenchFormat, source);
  const stamped =
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { kind?: unknown }).kind === undefined &&
    looksLikeDeltaBench(value)
      ? { ...value, kind: deltaBenchFormat.kind, schemaVersion: deltaBenchSchemaVersion }
      : value;
  checkKindAndVersion(stamped, deltaBenchFormat, source);
  return checkFormat(deltaBenchSchema, stamped, deltaBenchFormat, source);
}
