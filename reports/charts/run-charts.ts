// Charts of how a run went: the rate asked vs sent, ok, errors and dropped per second (results
// timeline); each knee step's asked rate vs the rate achieved, with the knee; the services' part
// p99s at the knee vs at the first failing step (the parts that grew); and the calibration's fit
// error per part. Each says what its inputs lacked.
import type { TopLevelSpec } from "vega-lite";
import type { KneeFile } from "../../formats/knee.schema.ts";
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

export function rateChart(inputs: ReportInputs): Chart {
  const title = "Rate asked vs achieved per second";
  const couldNotShow: string[] = [];
  const rows: { source: string; tS: number; series: string; perS: number }[] = [];
  for (const { source, value: r } of inputs.results) {
    const name = shortName(source);
    if (r.timeline.length === 0) couldNotShow.push(`${name}: no per-second timeline in this run`);
    for (const t of r.timeline) {
      rows.push({ source: name, tS: t.tS, series: "asked", perS: round6(r.rate.askedPerS) });
      rows.push({ source: name, tS: t.tS, series: "sent", perS: t.sentCount });
      rows.push({ source: name, tS: t.tS, series: "ok", perS: t.okCount });
      rows.push({ source: name, tS: t.tS, series: "errors", perS: t.errorCount });
      rows.push({ source: name, tS: t.tS, series: "dropped", perS: t.droppedCount });
    }
    if (r.saturation.saturated)
      couldNotShow.push(
        `${name}: saturated (${r.saturation.by}): ${r.saturation.reasons.join("; ")}`,
      );
  }
  if (inputs.results.length === 0)
    couldNotShow.push(
      "not measured in this run: no results file given (syncbench run SCENARIO --out FILE)",
    );
  if (rows.length === 0) return notMeasuredChart("rate-over-time", title, couldNotShow);
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth,
    height: chartHeight,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "tS", type: "quantitative", title: "s since the load started" },
      y: { field: "perS", type: "quantitative", title: "requests per second" },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: ["asked", "sent", "ok", "errors", "dropped"],
      },
      strokeDash: { field: "source", type: "nominal", title: null },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "rate-over-time", title, spec, couldNotShow };
}

function kneeNotes(name: string, k: KneeFile): string[] {
  const knee = k.kneeRatePerS === null ? "none: even the first step failed" : `${k.kneeRatePerS}/s`;
  const first = k.saturatedFirst[0];
  return [
    `${name}: knee ${knee}; limited by ${k.limitedBy}; the scenario asks ${k.askedPeakRatePerS}/s` +
      (first ? `; saturated first: ${first}` : ""),
  ];
}

export function kneeChart(inputs: ReportInputs): Chart {
  const title = "Rate asked vs achieved per knee step, and the knee";
  const couldNotShow: string[] = [];
  const rows: { source: string; askedPerS: number; achievedPerS: number; step: string }[] = [];
  const knees: { source: string; kneePerS: number }[] = [];
  for (const { source, value: k } of inputs.knees) {
    const name = shortName(source);
    couldNotShow.push(...kneeNotes(name, k));
    for (const s of k.steps) {
      rows.push({
        source: name,
        askedPerS: round6(s.ratePerS),
        achievedPerS: round6(s.achievedPerS),
        step: s.passed ? "held" : "failed",
      });
    }
    if (k.kneeRatePerS !== null) knees.push({ source: name, kneePerS: round6(k.kneeRatePerS) });
  }
  if (inputs.knees.length === 0) {
    couldNotShow.push(
      "not measured in this run: no knee file given (syncbench run SCENARIO --find-knee --out FILE)",
    );
  }
  if (rows.length === 0) return notMeasuredChart("knee", title, couldNotShow);
  const x = { field: "askedPerS", type: "quantitative", title: "asked, req/s" };
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth,
    height: chartHeight,
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", color: "#bbb", strokeDash: [4, 4] },
        encoding: { x, y: { field: "askedPerS", type: "quantitative" } },
      },
      {
        data: { values: rows },
        mark: { type: "line", point: { size: 50, filled: true } },
        encoding: {
          x,
          y: { field: "achievedPerS", type: "quantitative", title: "achieved, req/s" },
          color: { field: "source", type: "nominal", title: null },
          shape: { field: "step", type: "nominal", title: null },
        },
      },
      ...(knees.length === 0
        ? []
        : [
            {
              data: { values: knees },
              mark: { type: "rule", color: "#2ca02c", strokeWidth: 2 },
              encoding: { x: { field: "kneePerS", type: "quantitative" } },
            },
          ]),
    ],
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "knee", title, spec, couldNotShow };
}

/** The step at the knee and the first failing step, when both carry the services' part p99s. */
function kneeParts(k: KneeFile) {
  const held = k.steps.find((s) => s.ratePerS === k.kneeRatePerS);
  const failed = k.steps.find((s) => s.ratePerS === k.firstFailingRatePerS);
  if (!held || !failed || !held.serverPartsMsP99 || !failed.serverPartsMsP99) return undefined;
  return { held, failed, before: held.serverPartsMsP99, after: failed.serverPartsMsP99 };
}

export function kneePartsChart(inputs: ReportInputs): Chart {
  const title = "Part p99s at the knee vs the first failing step (what grew)";
  const couldNotShow: string[] = [];
  const rows: { source: string; part: string; step: string; p99Ms: number; growth: number }[] = [];
  for (const { source, value: k } of inputs.knees) {
    const name = shortName(source);
    const parts = kneeParts(k);
    if (!parts) {
      couldNotShow.push(
        `${name}: not measured in this run: the knee needs a held and a failing step ` +
          "with the services' own part timings (a real stack; the built-in target serves none)",
      );
      continue;
    }
    const names = Object.keys(parts.after)
      .filter((p) => parts.before[p] !== undefined)
      .sort();
    for (const part of names) {
      const growth = round6(parts.after[part]! / Math.max(parts.before[part]!, 1e-6));
      rows.push({
        source: name,
        part,
        step: `held at ${parts.held.ratePerS}/s`,
        p99Ms: round6(parts.before[part]!),
        growth,
      });
      rows.push({
        source: name,
        part,
        step: `failed at ${parts.failed.ratePerS}/s`,
        p99Ms: round6(parts.after[part]!),
        growth,
      });
    }
  }
  if (inputs.knees.length === 0) {
    couldNotShow.push(
      "not measured in this run: no knee file given (syncbench run SCENARIO --find-knee --out FILE)",
    );
  }
  if (rows.length === 0) return notMeasuredChart("knee-parts", title, couldNotShow);
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth,
    height: chartHeight,
    data: { values: rows },
    mark: "bar",
    encoding: {
      x: {
        field: "part",
        type: "nominal",
        title: null,
        sort: { field: "growth", order: "descending" },
      },
      xOffset: { field: "step" },
      y: { field: "p99Ms", type: "quantitative", title: "p99, ms" },
      color: { field: "step", type: "nominal", title: null },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "knee-parts", title, spec, couldNotShow };
}

export function calibrationChart(inputs: ReportInputs): Chart {
  const title = "Calibration: fitted vs measured percentile per part (error %)";
  const couldNotShow: string[] = [];
  const rows: {
    source: string;
    part: string;
    percentile: string;
    errorPct: number;
    method: string;
  }[] = [];
  for (const { source, value: c } of inputs.calibrations) {
    const name = shortName(source);
    for (const [part, fit] of Object.entries(c.parts)) {
      rows.push({
        source: name,
        part,
        percentile: "p50",
        errorPct: round6(fit.p50ErrorPct),
        method: fit.method,
      });
      rows.push({
        source: name,
        part,
        percentile: "p99",
        errorPct: round6(fit.p99ErrorPct),
        method: fit.method,
      });
    }
  }
  if (inputs.calibrations.length === 0) {
    couldNotShow.push(
      "not measured in this run: no calibration file given (syncbench calibrate results.json -o FILE)",
    );
  }
  if (rows.length === 0) return notMeasuredChart("calibration-fit", title, couldNotShow);
  const spec = {
    $schema: vegaLiteSchema,
    title: titleWith(title, couldNotShow),
    width: chartWidth,
    height: chartHeight,
    data: { values: rows },
    mark: { type: "point", filled: true, size: 60 },
    encoding: {
      y: { field: "part", type: "nominal", title: null },
      yOffset: { field: "percentile" },
      x: {
        field: "errorPct",
        type: "quantitative",
        title: "fit error, % (0: the fit reproduces the measured percentile)",
        scale: { zero: true },
      },
      color: { field: "percentile", type: "nominal", title: null },
      shape: { field: "source", type: "nominal", title: null },
    },
    config: chartConfig,
  } as unknown as TopLevelSpec;
  return { name: "calibration-fit", title, spec, couldNotShow };
}
