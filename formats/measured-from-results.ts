// The one translation from the results file `syncbench run` writes ("syncbench.results",
// formats/results.schema.ts) to the measured run calibration reads ("syncbench.measured-ops",
// formats/measured.schema.ts). `calibrate`, `simulate --validate` and `run --measured-ops` all
// call measuredFromResults, so one run calibrates the same way whichever way it is given.
// Per measured operation: its count, achieved rate, end-to-end latency, and two pure-delay parts
// (servers null): "generator.sendLag", the driver's lag from the intended send time to the
// actual send, and "<op>.clientServiceTime", from the actual send to the end of the last step,
// each with a histogram rebuilt from the HDR histogram's quantiles. The measured latency runs
// from the intended time, so latency = send lag + client service time, and replaying both parts
// reproduces what was measured, not less. Operations "not available in this stack" are left out:
// they have no figures to fit. When the run scraped the services' own timings
// (results.serverParts), each becomes a serverPart under the simulator's part name ("s3.read",
// "chunkService.deltaApply", ...), and when the window held delta uploads alone, the
// ChunkServices' CPU seconds over it divided by the uploads become "chunkService.cpu", the CPU
// one delta upload costs a ChunkService (the utilisation law, D = U / X: a mean, so the part is
// that constant). Pure: the caller reads the file; nothing here touches the disk or the clock.
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { jsonValue } from "./format-file.ts";
import { decodeHistogram, type Histogram } from "./hdr-histogram.ts";
import {
  measuredFormat,
  measuredSchemaVersion,
  parseMeasuredFile,
  validateMeasuredRun,
  type HistogramInput,
  type MeasuredOperation,
  type MeasuredPart,
  type MeasuredRun,
} from "./measured.schema.ts";
import { clientServiceTimePart, cpuPerDeltaPart, sendLagPart } from "./part-names.ts";
import { checkResults, resultsFormat, type Results } from "./results.schema.ts";

type MeasuredResult = Extract<Results["operations"][number], { status: "measured" }>;

/** Quantile steps of the rebuilt histogram: 0.1% wide, so each bucket holds ~N/1000 samples. */
const quantileStepPct = 0.1;

/** True when a parsed JSON value claims to be a `syncbench run` results file. */
export function isResultsFile(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === resultsFormat.kind
  );
}

/** Buckets between successive quantiles of an HDR histogram (µs values), merged when equal. */
export function bucketsFromHdr(h: Histogram): HistogramInput | undefined {
  if (h.totalCount === 0) return undefined;
  const boundsMs = [Math.max(0, h.minNonZeroValue - 1) / 1000];
  const counts: number[] = [];
  let rankDone = 0;
  for (let step = 1; step * quantileStepPct <= 100 + 1e-9; step++) {
    const q = Math.min(100, step * quantileStepPct);
    const rank = Math.round((h.totalCount * q) / 100);
    const edgeMs = h.getValueAtPercentile(q) / 1000;
    if (edgeMs > boundsMs.at(-1)!) {
      boundsMs.push(edgeMs);
      counts.push(rank - rankDone);
    } else if (counts.length > 0) counts[counts.length - 1]! += rank - rankDone;
    else continue; // the rank stays pending until the first edge above the minimum
    rankDone = rank;
  }
  if (counts.length === 0)
    return { boundsMs: [boundsMs[0]!, boundsMs[0]! + 0.001], counts: [h.totalCount] };
  counts[counts.length - 1]! += h.totalCount - rankDone;
  return { boundsMs, counts };
}

interface TimedFigures {
  readonly ms: {
    readonly count: number;
    readonly p50: number;
    readonly p99: number;
    readonly mean: number;
  };
  readonly histogramUs: string;
}

/** A pure-delay part from recorded percentiles and their histogram, or undefined when empty. */
function pureDelayPart(name: string, figures: TimedFigures): MeasuredPart | undefined {
  const { ms } = figures;
  if (ms.count === 0 || ms.p50 <= 0 || ms.p99 <= 0) return undefined;
  const histogram = bucketsFromHdr(decodeHistogram(figures.histogramUs));
  return {
    name,
    servers: null,
    serviceTimeMs: { p50: ms.p50, p99: ms.p99, mean: ms.mean },
    ...(histogram ? { histogram } : {}),
  };
}

/** One measured operation, behind the send lag when the run recorded one. */
function operationOf(
  r: Results,
  op: MeasuredResult,
  lag: MeasuredPart | undefined,
): MeasuredOperation {
  const histogram = bucketsFromHdr(decodeHistogram(op.histograms.serviceTimeUs));
  const s = op.serviceTimeMs;
  const clientPart: MeasuredPart = {
    name: clientServiceTimePart(op.name),
    servers: null,
    serviceTimeMs: { p50: s.p50, p99: s.p99, mean: s.mean },
    ...(histogram ? { histogram } : {}),
  };
  return {
    name: op.name,
    count: op.latencyMs.count,
    rateAchievedPerS: (op.counts.ok / Math.max(1, r.config.measuredWindowMs)) * 1000,
    latencyMs: { p50: op.latencyMs.p50, p99: op.latencyMs.p99, mean: op.latencyMs.mean },
    parts: lag ? [lag, clientPart] : [clientPart],
  };
}

/** The services' own timings per part over the window (simulator part names), if measured. */
function serverPartsOf(results: Results): MeasuredPart[] {
  return Object.entries(results.serverParts?.parts ?? {}).flatMap(([name, part]) => {
    const measured = pureDelayPart(name, part);
    return measured ? [measured] : [];
  });
}

/**
 * The ChunkServices' CPU per delta upload over the window, when the run measured delta uploads
 * alone and the services reported their CPU; otherwise undefined, with the reason told to `warn`.
 */
function cpuPerDeltaOf(results: Results, warn: (line: string) => void): MeasuredPart | undefined {
  const cpuSeconds = results.serverParts?.cpuSeconds;
  if (cpuSeconds === undefined || cpuSeconds === null) return undefined;
  const done = (op: MeasuredResult) => op.counts.ok + op.counts.error;
  const measured = results.operations.flatMap((op) =>
    op.status === "measured" && done(op) > 0 ? [op] : [],
  );
  const only = measured.length === 1 ? measured[0] : undefined;
  if (!only || only.name !== "deltaUpload") {
    warn(
      `note: ${cpuPerDeltaPart} is not derived: the window held ` +
        `${measured.map((o) => o.name).join(", ") || "no operation"}, ` +
        "and the ChunkServices' CPU per delta upload needs delta uploads alone " +
        "(run delta-edit-storm)",
    );
    return undefined;
  }
  // Completions in the window, failed ones included: they cost CPU too.
  const perUploadMs = (cpuSeconds * 1000) / done(only);
  // Its servers are the ChunkService processes, one event loop each (the replay's loop station).
  return {
    name: cpuPerDeltaPart,
    servers: Math.max(1, results.serverParts?.sources.length ?? 1),
    serviceTimeMs: { p50: perUploadMs, p99: perUploadMs, mean: perUploadMs },
  };
}

/** Why the run's own judgement says its figures are not a valid measurement, if it does. */
export function saturationWarning(results: Results): string | undefined {
  const s = results.saturation;
  if (!s.saturated) return undefined;
  return `the run was saturated by the ${s.by}: ${s.reasons.join("; ")}`;
}

/**
 * results.json (text or parsed) -> the simulator's measured run; throws with every problem.
 * `warn` hears when the run judged itself saturated (its latencies then include the
 * generator's or the target's overload, which a pure-delay calibration does not represent).
 */
export function measuredFromResults(
  value: unknown,
  source: string,
  warn: (line: string) => void = () => {},
): MeasuredRun {
  const results = checkResults(jsonValue(value, resultsFormat, source), `"${source}"`);
  const saturated = saturationWarning(results);
  if (saturated) warn(`warning: "${source}": ${saturated}`);
  const lag = pureDelayPart(sendLagPart, results.sendLag);
  const operations = results.operations.flatMap((op) =>
    op.status === "measured" && op.latencyMs.count > 0 ? [operationOf(results, op, lag)] : [],
  );
  const cpuPerDelta = cpuPerDeltaOf(results, warn);
  const serverParts = [...serverPartsOf(results), ...(cpuPerDelta ? [cpuPerDelta] : [])];
  const run: MeasuredRun = {
    schemaVersion: measuredSchemaVersion,
    kind: "syncbench.measured-ops",
    scenario: String(results.scenario.name),
    durationS: results.config.measuredWindowMs / 1000,
    operations,
    ...(serverParts.length > 0 ? { serverParts } : {}),
  };
  const errors = validateMeasuredRun(run);
  if (errors.length > 0) {
    const why = operations.length === 0 ? " (no operation was measured)" : "";
    throw new SyncbenchError(
      "SIM_MEASURED_INVALID",
      `results "${source}" give no usable calibration input${why}: ${errors.join("; ")}`,
    );
  }
  return run;
}

/**
 * What calibrate and simulate --validate read: `syncbench run`'s results.json, translated above,
 * or a "syncbench.measured-ops" file as it stands (text or parsed JSON).
 */
export function measuredFromFile(
  input: unknown,
  source: string,
  warn: (line: string) => void = () => {},
): MeasuredRun {
  const value = jsonValue(input, measuredFormat, `"${source}"`);
  if (isResultsFile(value)) return measuredFromResults(value, source, warn);
  return parseMeasuredFile(value, `"${source}"`);
}
