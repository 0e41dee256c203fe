// Charts of the delta engine itself: the delta size per edit type beside the anchor tools of
// `npm run bench:delta -- --json` (a delta-bench file), and the upload time of one edited block
// against link speed, whole block vs delta, with the crossover claim C07 is about. The second is
// drawn from the design's own figures (C01's delta, C06's compute and S3 read, C27's link) even
// without a bench file, and with one adds the measured encode + decode of its typical text edit.
import type { TopLevelSpec } from "vega-lite";
import { blockSizeBytes, serviceTimeMs, stated } from "../../formats/design.ts";
import {
  chartConfig,
  chartHeight,
  chartWidth,
  notMeasuredChart,
  round6,
  shortName,
  titleWith,
  vegaLiteSchema,
  type Chart,
  type ReportInputs,
} from "./chart.ts";

/** The bench's cell for syncbench's own engine; every other cell is an anchor tool. */
const ownCell = "syncbench";
/** The design's "typical text edit" (C01): a 100-byte overwrite of text. */
const typicalEditRow = "text-overwrite100";

export function deltaSizeChart(inputs: ReportInputs): Chart {
  const title = "Delta size by edit type against the anchors of bench:delta";
  const found = inputs.deltaBenches[0];
  if (!found) {
    return notMeasuredChart("delta-size-by-edit-type", title, [
      "not measured in this run: no delta-bench file given",
      "(npm run bench:delta -- --json > delta-bench.json, then pass it to report)",
    ]);
  }
  const rows = found.value.synthetic.flatMap((row) =>
    Object.entries(row.cells).map(([tool, cell]) => ({
      edit: row.name,
      tool,
      bytes: Math.max(1, cell.bytes),
      newBytes: row.newBytes,
    })),
  );
  const couldNotShow = [
    `${shortName(found.source)}: ${found.value.synthetic.length} synthetic ` +
      `pairs, ${found.value.runs} run(s) each${found.value.quick ? " (--quick)" : ""}`,
  ];
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth + 200,
    height: chartHeight,
    data: { values: rows },
    mark: { type: "point", filled: true, size: 50 },
    encoding: {
      x: { field: "edit", type: "nominal", title: null, axis: { labelAngle: -45 } },
      y: {
        field: "bytes",
        type: "quantitative",
        title: "delta bytes (log)",
        scale: { type: "log" },
      },
      color: { field: "tool", type: "nominal", title: "encoder" },
      shape: { field: "tool", type: "nominal", title: "encoder" },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "delta-size-by-edit-type", title, spec, couldNotShow: [] };
}

/** Link speeds drawn, Mbit/s: 1 .. 10,000 at 4 points per decade. */
const linkMbps = Array.from({ length: 17 }, (_, i) => round6(10 ** (i / 4)));

interface Variant {
  readonly series: string;
  readonly wireBytes: number;
  readonly overheadMs: number;
}

function variants(inputs: ReportInputs): { list: Variant[]; notes: string[] } {
  const designOverheadMs = stated.C06.computeMs + serviceTimeMs.baseBlockRead;
  const list: Variant[] = [
    { series: "whole block (4 MiB)", wireBytes: blockSizeBytes, overheadMs: 0 },
    {
      series: `delta, design (${stated.C01.deltaBytes} B + ${designOverheadMs} ms)`,
      wireBytes: stated.C01.deltaBytes,
      overheadMs: designOverheadMs,
    },
  ];
  const notes: string[] = [];
  const bench = inputs.deltaBenches[0];
  const cell = bench?.value.synthetic.find((r) => r.name === typicalEditRow)?.cells[ownCell];
  if (bench && cell) {
    const overheadMs = round6(cell.encodeMs + cell.decodeMs + serviceTimeMs.baseBlockRead);
    list.push({
      series: `delta, measured (${cell.bytes} B + ${overheadMs} ms)`,
      wireBytes: cell.bytes,
      overheadMs,
    });
  } else {
    notes.push(
      bench
        ? `${shortName(bench.source)} has no ${typicalEditRow} row with a ${ownCell} cell: measured delta not drawn`
        : "measured delta not drawn: no delta-bench file given (npm run bench:delta -- --json)",
    );
  }
  return { list, notes };
}

export function wireBytesChart(inputs: ReportInputs): Chart {
  const title = "One edited 4 MiB block: upload time vs link speed, whole block vs delta (C07)";
  const { list, notes } = variants(inputs);
  const rows = list.flatMap((v) =>
    linkMbps.map((mbps) => ({
      series: v.series,
      linkMbps: mbps,
      timeMs: round6(v.overheadMs + ((v.wireBytes * 8) / (mbps * 1e6)) * 1000),
    })),
  );
  // Crossover: whole block time = delta overhead + delta time, solved for the link speed.
  const crossovers = list.slice(1).map((v) => ({
    series: v.series,
    linkMbps: round6(((blockSizeBytes - v.wireBytes) * 8) / (v.overheadMs / 1000) / 1e6),
  }));
  notes.push(
    ...crossovers.map(
      (c) =>
        `crossover at ${c.linkMbps} Mbit/s: ${c.series}; faster ` +
        "links send the whole block sooner",
    ),
  );
  notes.push(`the design's link (C27): ${stated.C27.linkMbps} Mbit/s`);
  const x = {
    field: "linkMbps",
    type: "quantitative",
    title: "link, Mbit/s (log)",
    scale: { type: "log" },
  };
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, notes),
    width: chartWidth,
    height: chartHeight,
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: "timeMs",
            type: "quantitative",
            title: "ms per block (log)",
            scale: { type: "log" },
          },
          color: {
            field: "series",
            type: "nominal",
            title: null,
            legend: { orient: "bottom", direction: "vertical" },
          },
        },
      },
      {
        data: { values: crossovers },
        mark: { type: "rule", strokeDash: [4, 3] },
        encoding: { x, color: { field: "series", type: "nominal" } },
      },
      {
        data: { values: [{ linkMbps: stated.C27.linkMbps }] },
        mark: { type: "rule", color: "#999" },
        encoding: { x },
      },
    ],
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "wire-bytes-vs-link-speed", title, spec, couldNotShow: [] };
}
