// The report's one page, self-contained: every chart's SVG inline, the styles inline, no script,
// and a Content-Security-Policy that forbids any fetch, so it opens offline and shows the same
// thing everywhere. Deterministic: nothing in it depends on the time or the machine.
import type { Chart, ReportInputs } from "../charts/chart.ts";
import { shortName } from "../charts/chart.ts";
import { escapeHtml } from "./escape.ts";
import { targetTableHtml, type TargetRow } from "./target-table.ts";

const styles = `
body { font-family: sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; }
table.targets { border-collapse: collapse; font-size: 13px; }
table.targets th, table.targets td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
td.num { text-align: right; } td.ok { color: #1a7f37; } td.bad { color: #c62828; font-weight: bold; }
td.warn { color: #b26a00; }
figure.chart { margin: 8px 0; overflow-x: auto; }
.could-not-show { color: #a33; font-size: 13px; }
.files { font-size: 12px; color: #666; }
ul.inputs { font-size: 14px; }
`;

const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface RenderedChart {
  readonly chart: Chart;
  readonly svg: string;
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));

function inputLines(inputs: ReportInputs): string[] {
  const lines: string[] = [];
  for (const { source, value: r } of inputs.results) {
    const scenario = typeof r.scenario.name === "string" ? r.scenario.name : "(unnamed)";
    const saturated = r.saturation.saturated ? `; saturated by the ${r.saturation.by}` : "";
    lines.push(
      `results ${shortName(source)}: scenario ${scenario} against ${r.config.target}, seed ` +
        `${r.config.seed}, ${r.startedAt}; rate asked ${fmt(r.rate.askedPerS)}/s, achieved ` +
        `${fmt(r.rate.achievedPerS)}/s over ${fmt(r.config.measuredWindowMs / 1000)} s${saturated}`,
    );
  }
  for (const { source, value: k } of inputs.knees) {
    lines.push(
      `knee ${shortName(source)}: scenario ${k.scenario} against ${k.target}, ` +
        `${k.steps.length} step(s) of ${k.stepDurationS} s, knee ` +
        `${k.kneeRatePerS === null ? "none" : `${k.kneeRatePerS}/s`}, limited by ${k.limitedBy}`,
    );
  }
  for (const { source, value: c } of inputs.calibrations) {
    lines.push(
      `calibration ${shortName(source)}: fitted from ${c.source.file} ` +
        `(${Object.keys(c.parts).length} parts)`,
    );
  }
  for (const { source, value: p } of inputs.projections) {
    lines.push(
      `projection ${shortName(source)}: experiment ${p.experiment}, seed ${p.seed}, ` +
        `${p.replications} replications, calibration ${p.calibration.source}`,
    );
  }
  for (const { source, value: b } of inputs.deltaBenches) {
    lines.push(
      `delta bench ${shortName(source)}: ${b.synthetic.length} synthetic and ` +
        `${b.real.length} real block pairs, ${b.runs} run(s)${b.quick ? " (--quick)" : ""}`,
    );
  }
  return lines;
}

function chartSection({ chart, svg }: RenderedChart): string {
  const reasons = chart.couldNotShow.map((r) => `<li>${escapeHtml(r)}</li>`).join("\n");
  return [
    `<section class="chart" id="chart-${chart.name}">`,
    `<h2>${escapeHtml(chart.title)}</h2>`,
    `<figure class="chart" data-chart="${chart.name}">`,
    svg,
    `</figure>`,
    reasons === "" ? "" : `<ul class="could-not-show">\n${reasons}\n</ul>`,
    `<p class="files">Vega-Lite spec: <code>${chart.name}.vl.json</code>, SVG: ` +
      `<code>${chart.name}.svg</code></p>`,
    `</section>`,
  ]
    .filter((l) => l !== "")
    .join("\n");
}

export function indexHtml(
  inputs: ReportInputs,
  targets: readonly TargetRow[],
  charts: readonly RenderedChart[],
): string {
  const inputs_ = inputLines(inputs)
    .map((l) => `<li>${escapeHtml(l)}</li>`)
    .join("\n");
  return [
    "<!doctype html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    "<title>syncbench report</title>",
    `<style>${styles}</style>`,
    "</head>",
    "<body>",
    "<h1>syncbench report</h1>",
    `<ul class="inputs">\n${inputs_}\n</ul>`,
    `<section id="targets">`,
    "<h2>Targets: measured, projected, verdict</h2>",
    targetTableHtml(targets),
    "</section>",
    ...charts.map(chartSection),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
