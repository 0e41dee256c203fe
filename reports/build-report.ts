// `syncbench report FILE... --out DIR`: any mix of results, knee, calibration, projection and
// delta-bench files (recognised by their kind, read through formats/) -> one Vega-Lite v5 spec per chart
// (`<name>.vl.json`, data inline), its SVG rendered in Node (`<name>.svg`), and one self-contained
// index.html. Two runs of the same inputs give the same bytes: specs are built in a fixed key
// order with numbers rounded to 6 significant digits, SVG ids are per chart, nothing reads a clock.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStageFile } from "../formats/stage-file.ts";
import type { Chart, ReportInputs } from "./charts/chart.ts";
import { latencyChart } from "./charts/latency-chart.ts";
import { deltaSizeChart, wireBytesChart } from "./charts/delta-charts.ts";
import {
  cdnHitRateChart,
  kafkaLagChart,
  reconnectStormChart,
  shardLoadChart,
} from "./charts/projection-charts.ts";
import { renderSvg } from "./charts/render-svg.ts";
import { calibrationChart, kneeChart, kneePartsChart, rateChart } from "./charts/run-charts.ts";
import { indexHtml, type RenderedChart } from "./html/index-html.ts";
import { targetRows } from "./html/target-table.ts";

/** A file of the report: a name inside the output folder and its text. */
export interface ReportFile {
  readonly name: string;
  readonly text: string;
}

export interface ReportSource {
  /** The path as the user gave it: labels in the report use its last segment. */
  readonly source: string;
  readonly text: string;
}

/** Stage files, typed by kind, in the order given. */
export function reportInputs(sources: readonly ReportSource[]): ReportInputs {
  const inputs = {
    results: [],
    knees: [],
    calibrations: [],
    projections: [],
    deltaBenches: [],
  } as {
    [K in keyof ReportInputs]: ReportInputs[K][number][];
  };
  for (const { source, text } of sources) {
    const file = parseStageFile(text, source);
    if (file.kind === "results") inputs.results.push(file);
    else if (file.kind === "knee") inputs.knees.push(file);
    else if (file.kind === "calibration") inputs.calibrations.push(file);
    else if (file.kind === "delta-bench") inputs.deltaBenches.push(file);
    else inputs.projections.push(file);
  }
  return inputs;
}

/** Every chart, in the page's order. */
export function reportCharts(inputs: ReportInputs): Chart[] {
  return [
    latencyChart(inputs),
    rateChart(inputs),
    kneeChart(inputs),
    kneePartsChart(inputs),
    calibrationChart(inputs),
    reconnectStormChart(inputs),
    shardLoadChart(inputs),
    kafkaLagChart(inputs),
    cdnHitRateChart(inputs),
    deltaSizeChart(inputs),
    wireBytesChart(inputs),
  ];
}

/** Progress of a build: called after each chart is rendered. */
export type ReportProgress = (done: number, total: number, chartName: string) => void;

export async function buildReport(
  sources: readonly ReportSource[],
  onProgress?: ReportProgress,
): Promise<ReportFile[]> {
  const inputs = reportInputs(sources);
  const charts = reportCharts(inputs);
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    rendered.push({ chart, svg: await renderSvg(chart.spec, chart.name) });
    onProgress?.(rendered.length, charts.length, chart.name);
  }
  const files: ReportFile[] = [];
  for (const { chart, svg } of rendered) {
    files.push({ name: `${chart.name}.vl.json`, text: `${JSON.stringify(chart.spec, null, 2)}\n` });
    files.push({ name: `${chart.name}.svg`, text: `${svg}\n` });
  }
  files.push({ name: "index.html", text: indexHtml(inputs, targetRows(inputs), rendered) });
  return files;
}

/** Builds the report and writes its files into `outDir` (created if missing). */
export async function writeReport(
  sources: readonly ReportSource[],
  outDir: string,
  onProgress?: ReportProgress,
): Promise<ReportFile[]> {
  const files = await buildReport(sources, onProgress);
  mkdirSync(outDir, { recursive: true });
  for (const file of files) writeFileSync(join(outDir, file.name), file.text);
  return files;
}
