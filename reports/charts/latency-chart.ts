// Latency percentiles per operation against their targets: p50, p90, p99 and p99.9 measured in
// each results file (with the 95 % order-statistic interval the gate uses, from the HDR counts)
// beside the projected ones of each projection file (replication mean ± its 95 % half-width), and
// each target as a red tick. A percentile below the gate's sample rule is drawn hollow, without an
// interval, and listed in the subtitle; operations that were not measured are listed too.
import type { TopLevelSpec } from "vega-lite";
import { decodeHistogram } from "../../formats/hdr-histogram.ts";
import type { Results } from "../../formats/results.schema.ts";
import { percentileMeasurement } from "../gate/gate-metrics.ts";
import { samplesMinFor } from "../gate/quantile-ci.ts";
import {
  chartConfig,
  notMeasuredChart,
  round6,
  shortName,
  titleWith,
  vegaLiteSchema,
  type Chart,
  type ReportInputs,
} from "./chart.ts";

const percentiles = [
  { label: "p50", suffix: "P50", quantile: 0.5 },
  { label: "p90", suffix: "P90", quantile: 0.9 },
  { label: "p99", suffix: "P99", quantile: 0.99 },
  { label: "p99.9", suffix: "P999", quantile: 0.999 },
] as const;

/** Values below this are drawn at it: the axis is logarithmic. */
const floorMs = 0.001;

interface Row {
  operation: string;
  percentile: string;
  series: string;
  kind: "value" | "target";
  valueMs: number;
  ciLowMs: number | null;
  ciHighMs: number | null;
  basis: string;
}

const ms = (v: number) => round6(Math.max(floorMs, v));

/** "deltaUpload.latencyMsP99" -> operation and percentile label; undefined for other metrics. */
function latencyMetric(metric: string): { operation: string; percentile: string } | undefined {
  const match = /^([a-zA-Z]+)\.(latencyMs|freshnessMs)(P\d+)$/.exec(metric);
  const p = percentiles.find((x) => x.suffix === match?.[3]);
  if (!match || !p) return undefined;
  const operation = match[2] === "freshnessMs" ? "notification freshness" : match[1]!;
  return { operation, percentile: p.label };
}

function histogramsOf(r: Results): { operation: string; encoded: string }[] {
  const list: { operation: string; encoded: string }[] = [];
  for (const op of r.operations) {
    if (op.status === "measured")
      list.push({ operation: op.name, encoded: op.histograms.latencyUs });
  }
  if (r.websocket)
    list.push({ operation: "notification freshness", encoded: r.websocket.freshnessHistogramUs });
  return list;
}

function measuredRows(source: string, r: Results, couldNotShow: string[]): Row[] {
  const rows: Row[] = [];
  const series = `measured: ${shortName(source)}`;
  const fewByPercentile = new Map<string, string[]>();
  for (const { operation, encoded } of histogramsOf(r)) {
    const histogram = decodeHistogram(encoded);
    for (const p of percentiles) {
      const m = percentileMeasurement(histogram, p.quantile);
      if (m.status !== "measured") continue;
      const enough = m.samplesCount >= samplesMinFor(p.quantile);
      if (!enough) {
        const few = fewByPercentile.get(p.label) ?? [];
        few.push(`${operation} (${m.samplesCount})`);
        fewByPercentile.set(p.label, few);
      }
      const interval = enough && m.ciLow !== null && m.ciHigh !== null;
      rows.push({
        operation,
        percentile: p.label,
        series,
        kind: "value",
        valueMs: ms(m.value),
        ciLowMs: interval ? ms(m.ciLow!) : null,
        ciHighMs: interval ? ms(m.ciHigh!) : null,
        basis: enough ? "enough samples" : "too few samples",
      });
    }
  }
  for (const p of percentiles) {
    const few = fewByPercentile.get(p.label);
    if (!few) continue;
    couldNotShow.push(
      `${series}: ${p.label} from fewer than ${samplesMinFor(p.quantile)} samples ` +
        `(faded, no interval): ${few.join(", ")}`,
    );
  }
  for (const op of r.operations) {
    if (op.status !== "measured")
      couldNotShow.push(`${series}: ${op.name} not measured in this run: ${op.reason}`);
  }
  if (!r.websocket) {
    couldNotShow.push(
      `${series}: notification freshness not measured in this run` +
        (r.websocketUnavailable ? `: ${r.websocketUnavailable}` : ""),
    );
  }
  for (const t of r.targets) {
    const at = latencyMetric(t.metric);
    if (!at) continue;
    rows.push({
      ...at,
      series: "target",
      kind: "target",
      valueMs: ms(t.max),
      ciLowMs: null,
      ciHighMs: null,
      basis: "target",
    });
  }
  return rows;
}

function projectedRows(inputs: ReportInputs): Row[] {
  const rows: Row[] = [];
  for (const { source, value: p } of inputs.projections) {
    const series = `projected: ${p.experiment} (${shortName(source)})`;
    for (const m of p.metrics) {
      const at = latencyMetric(m.name);
      if (!at) continue;
      const hw = m.halfWidth;
      rows.push({
        ...at,
        series,
        kind: "value",
        valueMs: ms(m.mean),
        ciLowMs: hw === null ? null : ms(m.mean - hw),
        ciHighMs: hw === null ? null : ms(m.mean + hw),
        basis: "enough samples",
      });
      if (m.target) {
        rows.push({
          ...at,
          series: "target",
          kind: "target",
          valueMs: ms(m.target.max),
          ciLowMs: null,
          ciHighMs: null,
          basis: "target",
        });
      }
    }
  }
  return rows;
}

/** Powers of ten spanning the rows: the log axis's ticks and grid, one per decade. */
function decades(rows: readonly Row[]): number[] {
  const values = rows.flatMap((r) => [r.valueMs, r.ciLowMs ?? r.valueMs, r.ciHighMs ?? r.valueMs]);
  const low = Math.floor(Math.log10(Math.min(...values)));
  const high = Math.ceil(Math.log10(Math.max(...values)));
  return Array.from({ length: high - low + 1 }, (_, i) => round6(10 ** (low + i)));
}

/** Targets once per operation and percentile (a results file and a projection may both carry it). */
function dedupeTargets(rows: Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (r.kind !== "target") return true;
    const key = `${r.operation}|${r.percentile}|${r.valueMs}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function latencyChart(inputs: ReportInputs): Chart {
  const couldNotShow: string[] = [];
  const rows = dedupeTargets([
    ...inputs.results.flatMap(({ source, value }) => measuredRows(source, value, couldNotShow)),
    ...projectedRows(inputs),
  ]);
  if (inputs.results.length === 0)
    couldNotShow.push("measured percentiles: not measured in this run (no results file given)");
  if (inputs.projections.length === 0) {
    couldNotShow.push(
      "projected percentiles: no projection file given (syncbench simulate design-peak --out FILE)",
    );
  }
  const title = "Latency percentiles per operation against targets (95 % intervals)";
  if (!rows.some((r) => r.kind === "value"))
    return notMeasuredChart("latency-percentiles", title, couldNotShow);
  const spec = latencySpec(rows, titleWith(title, couldNotShow));
  return { name: "latency-percentiles", title, spec, couldNotShow };
}

/** One column per operation: interval rules, value points, target ticks, on a log axis. */
function latencySpec(rows: Row[], title: ReturnType<typeof titleWith>): TopLevelSpec {
  const y = {
    field: "valueMs",
    type: "quantitative",
    scale: { type: "log" },
    title: "ms (log)",
    axis: { values: decades(rows), format: "~g" },
  };
  const x = {
    field: "percentile",
    type: "ordinal",
    sort: percentiles.map((p) => p.label),
    title: null,
  };
  return {
    $schema: vegaLiteSchema,
    title,
    data: { values: rows },
    facet: { column: { field: "operation", type: "nominal", title: null } },
    spec: {
      width: 150,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'value' && datum.ciLowMs !== null" }],
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: {
            x,
            xOffset: { field: "series" },
            y: { ...y, field: "ciLowMs" },
            y2: { field: "ciHighMs" },
            color: { field: "series", type: "nominal", title: null },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'value'" }],
          mark: { type: "point", size: 40, filled: true },
          encoding: {
            x,
            xOffset: { field: "series" },
            y,
            color: { field: "series", type: "nominal", title: null },
            shape: { field: "basis", type: "nominal", title: null },
            opacity: {
              condition: { test: "datum.basis === 'too few samples'", value: 0.35 },
              value: 1,
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'target'" }],
          mark: { type: "tick", color: "#d62728", thickness: 2, size: 28 },
          encoding: { x, y },
        },
      ],
    },
    resolve: { scale: { y: "shared" } },
    config: chartConfig,
  } as unknown as TopLevelSpec;
}
