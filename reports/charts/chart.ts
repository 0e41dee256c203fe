// What every chart of the report shares: its shape (a name for its files, a title, a Vega-Lite v5
// spec with its data inline, and what it could not show), numbers rounded to 6 significant digits
// so that a spec is the same bytes on every machine, and the "not measured in this run" chart
// drawn when the inputs have nothing for it (a chart says what it lacks rather than draw nothing).
import type { TopLevelSpec } from "vega-lite";
import type { Calibration } from "../../formats/calibration.schema.ts";
import type { DeltaBench } from "../../formats/delta-bench.schema.ts";
import type { KneeFile } from "../../formats/knee.schema.ts";
import type { Projection } from "../../formats/projection.schema.ts";
import type { Results } from "../../formats/results.schema.ts";

export const vegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json";

export interface Chart {
  /** File stem: `<name>.vl.json`, `<name>.svg`. */
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
  /** What the chart could not show and why, one sentence each ("not measured in this run: ..."). */
  readonly couldNotShow: readonly string[];
}

/** The report's inputs, by kind, each with the path it was given as. */
export interface ReportInputs {
  readonly results: readonly { readonly source: string; readonly value: Results }[];
  readonly knees: readonly { readonly source: string; readonly value: KneeFile }[];
  readonly calibrations: readonly { readonly source: string; readonly value: Calibration }[];
  readonly projections: readonly { readonly source: string; readonly value: Projection }[];
  readonly deltaBenches: readonly { readonly source: string; readonly value: DeltaBench }[];
}

/** 6 significant digits; -0 and non-finite values are not data. */
export function round6(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`chart data must be finite, got ${value}`);
  const rounded = Number(value.toPrecision(6));
  return rounded === 0 ? 0 : rounded;
}

export const chartWidth = 560;
export const chartHeight = 260;

/** The config every spec carries: fixed fonts and sizes, so SVGs do not depend on defaults. */
export const chartConfig = {
  font: "sans-serif",
  view: { stroke: "#ccc" },
  title: { anchor: "start", fontSize: 14, subtitleFontSize: 11, subtitleColor: "#a33" },
  axis: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
} as const;

/** A title whose subtitle lists what the chart could not show. */
export function titleWith(title: string, couldNotShow: readonly string[]) {
  return couldNotShow.length === 0 ? { text: title } : { text: title, subtitle: [...couldNotShow] };
}

/** A chart that draws its reasons as text: what it would show and why it cannot. */
export function notMeasuredChart(name: string, title: string, reasons: readonly string[]): Chart {
  const values = reasons.map((line, index) => ({ index, line }));
  const spec = {
    $schema: vegaLiteSchema,
    title: { text: title },
    width: chartWidth,
    height: 24 + 18 * reasons.length,
    data: { values },
    mark: { type: "text", align: "left", baseline: "top", fontSize: 12, color: "#a33" },
    encoding: {
      x: { value: 8 },
      y: { field: "index", type: "ordinal", axis: null },
      text: { field: "line", type: "nominal" },
    },
    config: chartConfig,
  } as TopLevelSpec;
  return { name, title, spec, couldNotShow: reasons };
}

/** The last path segment, for labels: runs/smoke.json -> smoke.json. */
export function shortName(source: string): string {
  return source.split(/[\\/]/).at(-1) ?? source;
}
