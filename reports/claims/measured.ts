// The ledger's measured parts: figures read from bench:delta --json (delta sizes and times),
// from results.json of `syncbench run` (latency p99s against the design's targets, with sample
// counts) and from the edit workloads file (C03, C08). A file not given makes the part
// not-measured, naming the command that writes it. Pure: the CLI reads the files.
import type { Results } from "../../formats/results.schema.ts";
import type { DeltaBenchRow } from "../../formats/delta-bench.schema.ts";
import { targetMs, type DesignInputs, type Evidence, type Sourced } from "./inputs.ts";
import {
  fmt,
  notMeasured,
  pct,
  statedInterval,
  verdictOf,
  type Part,
  type Verdict,
} from "./verdict.ts";

export const deltaBenchFile = "a delta bench file: npm run -s bench:delta -- --json > delta.json";
export const resultsFile = "a results file: npx syncbench run <scenario> --out results.json";
export const editWorkloadsFile =
  "an edit workloads file: npx syncbench edit-workloads --out edits.json";

/** The design's "typical text edit": 100 bytes overwritten in a 4 MiB text block. */
export const typicalEditRow = "text-overwrite100";

function typicalRow(e: Evidence): { row: DeltaBenchRow; source: string } | undefined {
  const bench = e.deltaBench;
  const row = bench?.data.synthetic.find((r) => r.name === typicalEditRow);
  return bench && row ? { row, source: bench.source } : undefined;
}

function benchPart(
  e: Evidence,
  build: (row: DeltaBenchRow, runs: number) => { ok: boolean; figures: string[]; steps: string[] },
  field: string,
): Part {
  const typical = typicalRow(e);
  if (!typical) {
    return notMeasured(
      "measured",
      e.deltaBench
        ? `a delta bench file with the ${typicalEditRow} ` + `row (${e.deltaBench.source} has none)`
        : deltaBenchFile,
    );
  }
  const cell = typical.row.cells.syncbench;
  if (!cell) return notMeasured("measured", `a delta bench file with syncbench's cells`);
  const built = build(typical.row, cell.runs);
  return {
    method: "measured",
    verdict: verdictOf(built.ok),
    figures: built.figures,
    steps: built.steps,
    samples: `${cell.runs} runs (median), one seeded pair`,
    sources: [`${typical.source}: synthetic[${typicalEditRow}].cells.syncbench.${field}`],
  };
}

/** C01: the typical edit's delta size against ~200 B (smaller is no failure). */
export function c01(d: DesignInputs, e: Evidence): Part {
  const high = statedInterval(d.stated.C01.deltaBytes).high;
  return benchPart(
    e,
    (row) => ({
      ok: row.cells.syncbench!.bytes < high,
      figures: [`${row.cells.syncbench!.bytes} B delta for a ${d.stated.C01.editBytes} B edit`],
      steps: [
        `measured ${row.cells.syncbench!.bytes} B; stated ~${d.stated.C01.deltaBytes} B ` +
          `(holds below ${fmt(high)} B)`,
      ],
    }),
    "bytes",
  );
}

export function c02(d: DesignInputs, e: Evidence): Part {
  const low = statedInterval(d.stated.C02.reductionFactor).low;
  return benchPart(
    e,
    (row) => {
      const factor = d.blockSizeBytes / row.cells.syncbench!.bytes;
      return {
        ok: factor >= low,
        figures: [`${fmt(factor)}x measured`],
        steps: [
          `${fmt(d.blockSizeBytes)} B / ${row.cells.syncbench!.bytes} B = ${fmt(factor)}x; ` +
            `holds from ${fmt(low)}x`,
        ],
      };
    },
    "bytes",
  );
}

function timePart(e: Evidence, statedMs: number, key: "encodeMs" | "decodeMs", what: string): Part {
  const high = statedInterval(statedMs).high;
  return benchPart(
    e,
    (row) => ({
      ok: row.cells.syncbench![key] < high,
      figures: [`${what} ${fmt(row.cells.syncbench![key])} ms`],
      steps: [
        `measured ${fmt(row.cells.syncbench![key])} ms (wall clock, shared 2-core machine); ` +
          `stated ~${statedMs} ms (holds below ${fmt(high)} ms)`,
      ],
    }),
    key,
  );
}

export const c04 = (d: DesignInputs, e: Evidence) =>
  timePart(e, d.serviceTimeMs.deltaEncode, "encodeMs", "encode");
export const c05 = (d: DesignInputs, e: Evidence) =>
  timePart(e, d.serviceTimeMs.deltaReconstruct, "decodeMs", "apply");

/** The ChunkServices' own S3 read p50 from the first results file that timed it. */
function s3ReadMs(e: Evidence): { ms: number; count: number; source: string } | undefined {
  for (const r of e.results) {
    const part = r.data.serverParts?.parts["s3.read"];
    if (part) return { ms: part.ms.p50, count: part.ms.count, source: r.source };
  }
  return undefined;
}

/** C06: encode + apply measured; the S3 read from a run's server timings when one is given. */
export function c06(d: DesignInputs, e: Evidence): Part {
  const high = statedInterval(d.stated.C06.computeMs).high;
  const s3 = s3ReadMs(e);
  const part = benchPart(
    e,
    (row) => {
      const c = row.cells.syncbench!;
      const compute = c.encodeMs + c.decodeMs;
      const s3Ok = s3 === undefined || s3.ms < statedInterval(d.serviceTimeMs.baseBlockRead).high;
      return {
        ok: compute < high && s3Ok,
        figures: [
          `compute ${fmt(compute)} ms`,
          s3
            ? `S3 read p50 ${fmt(s3.ms)} ms (${s3.count} reads, ${s3.source})`
            : "S3 read: no run given",
        ],
        steps: [
          `encode ${fmt(c.encodeMs)} ms + apply ${fmt(c.decodeMs)} ms = ${fmt(compute)} ms; ` +
            `stated ~${d.stated.C06.computeMs} ms + ~${d.serviceTimeMs.baseBlockRead} ms S3 read`,
        ],
      };
    },
    "encodeMs, decodeMs",
  );
  return s3
    ? { ...part, sources: [...part.sources, `${s3.source}: serverParts.parts["s3.read"].ms.p50`] }
    : part;
}

/** C35: ten of the measured typical deltas a day against ~2 KB. */
export function c35(d: DesignInputs, e: Evidence): Part {
  const high = statedInterval(d.stated.C35.deltaKBPerDay).high * 1000;
  return benchPart(
    e,
    (row) => {
      const day = d.stated.C35.editsPerDay * row.cells.syncbench!.bytes;
      return {
        ok: day < high,
        figures: [`${fmt(day)} B/day of deltas`],
        steps: [
          `${d.stated.C35.editsPerDay} x ${row.cells.syncbench!.bytes} B = ${fmt(day)} B ` +
            "(delta payload only; request headers and upload-init not counted)",
        ],
      };
    },
    "bytes",
  );
}

interface TargetReading {
  value: number;
  count: number;
  source: string;
  saturated: boolean;
  target: string;
}

/** Every results file's measured value of `metric` (the run's targets), with its sample count. */
function readTarget(results: readonly Sourced<Results>[], metric: string): TargetReading[] {
  const out: TargetReading[] = [];
  for (const r of results) {
    const t = r.data.targets.find((x) => x.metric === metric);
    if (!t || t.measured === null) continue;
    const op = r.data.operations.find((o) => o.name === metric.split(".")[0]);
    const count =
      op?.status === "measured"
        ? op.latencyMs.count
        : (r.data.websocket?.deliveriesReceivedCount ?? 0);
    out.push({
      value: t.measured,
      count,
      source: r.source,
      saturated: r.data.saturation.saturated,
      target: r.data.config.target,
    });
  }
  return out;
}

/** A latency claim measured: every run's figure against the design's target (C09-C12, C25). */
/**
 * A run's figure for a latency target. `runMetric` is the name the run recorded it under when it
 * differs from the design's (C10: runs since the scenarios' fidelity pass record the push p99,
 * `notification.pushMsP99`, against the same ~200 ms, where older runs recorded the p50); the
 * first name with a reading decides.
 */
export function latency(
  d: DesignInputs,
  e: Evidence,
  designMetric: string,
  runMetrics: readonly string[] = [designMetric],
): Part {
  const max = targetMs(d, designMetric);
  const metric = runMetrics.find((m) => readTarget(e.results, m).length > 0) ?? designMetric;
  const readings = readTarget(e.results, metric);
  if (readings.length === 0) {
    return notMeasured(
      "measured",
      e.results.length === 0
        ? resultsFile
        : `a results file whose run measured ${metric} (the ones given did not)`,
    );
  }
  const verdict: Verdict = verdictOf(readings.every((r) => r.value <= max));
  return {
    method: "measured",
    verdict,
    figures: readings.map(
      (r) =>
        `${metric} ${fmt(r.value)} ms (${r.source}, ${r.target}` +
        `${r.saturated ? ", run saturated" : ""})`,
    ),
    steps: [`each run's ${metric} against the design's ${fmt(max)} ms`],
    samples: readings.map((r) => `${fmt(r.count)} samples`).join(", "),
    sources: readings.map((r) => `${r.source}: targets[${metric}].measured`),
  };
}

/** A measured p50 of the push (C10) read for C21's speed-up. */
export function pushP50(e: Evidence): TargetReading | undefined {
  return readTarget(e.results, "notification.freshnessMsP50")[0];
}

/** C21 measured: the polling mean over the measured push p50. */
export function c21(d: DesignInputs, e: Evidence): Part {
  const push = pushP50(e);
  if (!push) return notMeasured("measured", resultsFile + " (with WebSocket devices)");
  const factor = ((d.stated.C20.pollIntervalS / 2) * 1000) / push.value;
  return {
    method: "measured",
    verdict: verdictOf(factor >= statedInterval(d.stated.C21.speedupFactor).low),
    figures: [`push p50 ${fmt(push.value)} ms`, `speed-up ${fmt(factor)}x`],
    steps: [`${fmt(d.stated.C20.pollIntervalS / 2)} s / ${fmt(push.value)} ms = ${fmt(factor)}x`],
    samples: `${fmt(push.count)} deliveries`,
    sources: [`${push.source}: targets[notification.freshnessMsP50].measured`],
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** C03/C08 from the edit workloads: savings vs block-level sync, delta fraction of the block. */
export function editWorkloads(d: DesignInputs, e: Evidence, claim: "C03" | "C08"): Part {
  const file = e.editWorkloads;
  if (!file) return notMeasured("measured", editWorkloadsFile);
  const rows = file.data.workloads.map((w) => {
    const delta = w.samples.reduce((s, x) => s + x.deltaBytes, 0);
    const whole = w.samples.reduce((s, x) => s + x.wholeBlocksBytes, 0);
    const fractions = w.samples
      .filter((x) => x.changedBlocksCount > 0)
      .map((x) => x.deltaBytes / (x.changedBlocksCount * file.data.blockSizeBytes))
      .sort((a, b) => a - b);
    return { w, saving: whole === 0 ? 1 : 1 - delta / whole, fractions };
  });
  const documents = rows.filter((r) => r.w.family === "document");
  const decide = documents.length > 0 ? documents : rows;
  const { uploadSavingsFractionMin } = d.stated.C03;
  const { deltaFractionMin, deltaFractionMax } = d.stated.C08;
  const ok =
    claim === "C03"
      ? decide.every((r) => r.saving > uploadSavingsFractionMin)
      : decide.every((r) => {
          const m = quantile(r.fractions, 0.5);
          return m >= deltaFractionMin && m <= deltaFractionMax;
        });
  return {
    method: "measured",
    verdict: verdictOf(ok),
    figures: rows.map((r) =>
      claim === "C03"
        ? `${r.w.name}: saves ${pct(r.saving)}`
        : `${r.w.name}: delta/block p10 ${pct(quantile(r.fractions, 0.1))} p50 ` +
          `${pct(quantile(r.fractions, 0.5))} p90 ${pct(quantile(r.fractions, 0.9))}`,
    ),
    steps: [
      claim === "C03"
        ? `saving = 1 - sum(delta bytes) / sum(whole changed blocks) per workload; "typical ` +
          `document editing" = the document family, which must save more than ${pct(uploadSavingsFractionMin)}`
        : `per edit: delta bytes / (changed blocks x ${fmt(file.data.blockSizeBytes)} B); ` +
          `"typically" = the document family's median within ${pct(deltaFractionMin)}-${pct(deltaFractionMax)}`,
    ],
    samples: rows.map((r) => `${r.w.name} ${r.w.samples.length} edits`).join(", "),
    sources: [`${file.source}: workloads[].samples (seed ${file.data.seed})`],
  };
}
