// Reads the results file `syncbench run` writes ("syncbench.results", schemaVersion 1,
// scenarios/results.schema.ts) as calibration input: validated with the results schema, projected
// with scenarios' own toMeasuredOps (one pure-delay part "<op>.clientServiceTime" per operation,
// from the actual send to the end of the last step), and given one more part in front of every
// operation, "generator.sendLag" (servers null): the driver's lag from the intended send time to
// the actual send. The measured latency runs from the intended time, so latency = send lag +
// client service time, and replaying both parts reproduces what was measured, not less. When the
// run scraped the services' own timings (results.serverParts), each becomes a serverPart under
// the simulator's part name ("s3.read", "chunkService.deltaApply", ...), for experiments to use,
// and when the window held delta uploads alone, the ChunkServices' CPU seconds over it divided by
// the uploads become "chunkService.cpu", the CPU one delta upload costs a ChunkService (the
// utilisation law, D = U / X: a mean, so the part is that constant).
// Pure: the caller reads the file; nothing here touches the disk or the clock.
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { decodeHistogram } from "../scenarios/measure/histograms.ts";
import { bucketsFromHdr, toMeasuredOps } from "../scenarios/measure/measured-ops.ts";
import { checkResults, type Results } from "../scenarios/results.schema.ts";
import {
  validateMeasuredRun,
  type MeasuredOperation,
  type MeasuredPart,
  type MeasuredRun,
} from "../simulator/calibration/measured.schema.ts";

export const resultsKind = "syncbench.results";
export const cpuPerDeltaPart = "chunkService.cpu";
export const sendLagPart = "generator.sendLag";

/** True when a parsed JSON value claims to be a `syncbench run` results file. */
export function isResultsFile(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === resultsKind;
}

/** The send lag as a pure-delay part, or undefined when the run recorded none. */
function sendLagOf(results: Results): MeasuredPart | undefined {
  const lag = results.sendLag;
  if (lag.ms.count === 0 || lag.ms.p50 <= 0 || lag.ms.p99 <= 0) return undefined;
  const histogram = bucketsFromHdr(decodeHistogram(lag.histogramUs));
  return {
    name: sendLagPart, servers: null,
    serviceTimeMs: { p50: lag.ms.p50, p99: lag.ms.p99, mean: lag.ms.mean },
    ...(histogram ? { histogram } : {}),
  };
}

/** The services' own timings per part over the window (simulator part names), when the run had them. */
function serverPartsOf(results: Results): MeasuredPart[] {
  return Object.entries(results.serverParts?.parts ?? {}).flatMap(([name, part]) => {
    if (part.ms.count === 0 || part.ms.p50 <= 0 || part.ms.p99 <= 0) return [];
    const histogram = bucketsFromHdr(decodeHistogram(part.histogramUs));
    return [{ name, servers: null, serviceTimeMs: { p50: part.ms.p50, p99: part.ms.p99, mean: part.ms.mean },
      ...(histogram ? { histogram } : {}) }];
  });
}

/**
 * The ChunkServices' CPU per delta upload over the window, when the run measured delta uploads
 * alone and the services reported their CPU; otherwise undefined, with the reason told to `warn`.
 */
function cpuPerDeltaOf(results: Results, warn: (line: string) => void): MeasuredPart | undefined {
  const cpuSeconds = results.serverParts?.cpuSeconds;
  if (cpuSeconds === undefined || cpuSeconds === null) return undefined;
  const done = (op: Extract<Results["operations"][number], { status: "measured" }>) => op.counts.ok + op.counts.error;
  const measured = results.operations.flatMap((op) => (op.status === "measured" && done(op) > 0 ? [op] : []));
  const only = measured.length === 1 ? measured[0] : undefined;
  if (!only || only.name !== "deltaUpload") {
    warn(`note: ${cpuPerDeltaPart} is not derived: the window held ${measured.map((o) => o.name).join(", ") || "no operation"}, ` +
      "and the ChunkServices' CPU per delta upload needs delta uploads alone (run delta-edit-storm)");
    return undefined;
  }
  // Completions in the window, failed ones included: they cost CPU too.
  const perUploadMs = (cpuSeconds * 1000) / done(only);
  return { name: cpuPerDeltaPart, servers: null, serviceTimeMs: { p50: perUploadMs, p99: perUploadMs, mean: perUploadMs } };
}

/** Why the run's own judgement says its figures are not a valid measurement, if it does. */
export function saturationWarning(results: Results): string | undefined {
  const s = results.saturation;
  if (!s.saturated) return undefined;
  return `the run was saturated by the ${s.by}: ${s.reasons.join("; ")}`;
}

/**
 * results.json (already parsed) -> the simulator's measured run; throws with every problem.
 * `warn` hears when the run judged itself saturated (its latencies then include the
 * generator's or the target's overload, which a pure-delay calibration does not represent).
 */
export function measuredFromResults(
  value: unknown, source: string, warn: (line: string) => void = () => {},
): MeasuredRun {
  const results = checkResults(value, `"${source}"`);
  const saturated = saturationWarning(results);
  if (saturated) warn(`warning: "${source}": ${saturated}`);
  const projected = toMeasuredOps(results);
  const lag = sendLagOf(results);
  const operations: MeasuredOperation[] = projected.operations.map((op) => ({
    ...op, parts: lag ? [lag, ...op.parts] : op.parts,
  }));
  const cpuPerDelta = cpuPerDeltaOf(results, warn);
  const serverParts = [...serverPartsOf(results), ...(cpuPerDelta ? [cpuPerDelta] : [])];
  const run: MeasuredRun = { ...projected, operations, ...(serverParts.length > 0 ? { serverParts } : {}) };
  const errors = validateMeasuredRun(run);
  if (errors.length > 0) {
    const why = operations.length === 0 ? " (no operation was measured)" : "";
    throw new SyncbenchError("SIM_MEASURED_INVALID",
      `results "${source}" give no usable calibration input${why}: ${errors.join("; ")}`);
  }
  return run;
}
