// The report's table of targets: each target with what was measured (value, 95 % interval and
// samples, judged with the gate's rules: a percentile from too few samples is "not enough
// samples", never "held"), what the simulator projected at the design's scale (mean ± 95 %
// half-width) and both verdicts. Rows come from every results and projection file given.
import type { Measurement } from "../gate/gate-metrics.ts";
import { evaluateGate } from "../gate/gate.ts";
import type { ReportInputs } from "../charts/chart.ts";
import { shortName } from "../charts/chart.ts";
import { escapeHtml } from "./escape.ts";

export interface TargetRow {
  readonly metric: string;
  readonly claims: string;
  readonly figure: string;
  readonly max: number;
  readonly measured: string;
  readonly measuredVerdict: string;
  readonly projected: string;
  readonly projectedVerdict: string;
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : "∞");

function measuredText(m: Extract<Measurement, { status: "measured" }>): string {
  const ci = m.ciLow === null || m.ciHigh === null ? "" : ` [${fmt(m.ciLow)}, ${fmt(m.ciHigh)}]`;
  return `${fmt(m.value)}${ci} n=${m.samplesCount}`;
}

const verdictWords: Record<string, string> = {
  pass: "held",
  missed: "missed",
  "not-enough-samples": "not enough samples",
  "not-measured": "not measured",
  regressed: "regressed",
};

export function targetRows(inputs: ReportInputs): TargetRow[] {
  const rows: TargetRow[] = [];
  const projected = new Map<string, { text: string; verdict: string }>();
  for (const { source, value: p } of inputs.projections) {
    for (const m of p.metrics) {
      if (!m.target) continue;
      const hw = m.halfWidth === null ? "" : ` ± ${fmt(m.halfWidth)}`;
      const text = `${fmt(m.mean)}${hw} vs ≤ ${fmt(m.target.max)} (${p.experiment}, ${shortName(source)})`;
      projected.set(m.name, { text, verdict: m.target.verdict });
    }
  }
  const used = new Set<string>();
  for (const { source, value: r } of inputs.results) {
    const report = evaluateGate({
      results: r,
      targets: r.targets.map((t) => ({ ...t })),
      tolerancePct: 0,
    });
    for (const c of report.checks) {
      const p = projected.get(c.metric);
      if (p) used.add(c.metric);
      rows.push({
        metric: c.metric,
        claims: c.target?.claims.join(", ") ?? "",
        figure: c.target?.figure ?? "",
        max: c.target?.max ?? Number.NaN,
        measured: c.measured
          ? `${measuredText(c.measured)} (${shortName(source)})`
          : `— (${shortName(source)})`,
        measuredVerdict:
          c.failures.length > 0 && c.verdict !== "missed"
            ? c.failures[0]!
            : verdictWords[c.verdict]!,
        projected: p?.text ?? "not projected",
        projectedVerdict: p?.verdict ?? "",
      });
    }
  }
  for (const { value: p } of inputs.projections) {
    for (const m of p.metrics) {
      if (!m.target || used.has(m.name)) continue;
      used.add(m.name);
      const found = projected.get(m.name)!;
      rows.push({
        metric: m.name,
        claims: m.target.claims.join(", "),
        figure: "",
        max: m.target.max,
        measured: "not measured in this run",
        measuredVerdict: "not measured",
        projected: found.text,
        projectedVerdict: found.verdict,
      });
    }
  }
  return rows;
}

function verdictClass(verdict: string): string {
  if (verdict === "held" || verdict === "holds") return "ok";
  if (verdict === "missed" || verdict === "fails") return "bad";
  return verdict === "" ? "" : "warn";
}

export function targetTableHtml(rows: readonly TargetRow[]): string {
  if (rows.length === 0) {
    return `<p class="could-not-show">not measured in this run: no results or projection file with targets</p>`;
  }
  const head = [
    "metric",
    "claims",
    "figure",
    "target ≤",
    "measured [95 % interval] n",
    "verdict",
    "projected ± 95 %",
    "verdict",
  ]
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join("");
  const body = rows.map((r) => {
    const cells = [
      `<td><code>${escapeHtml(r.metric)}</code></td>`,
      `<td>${escapeHtml(r.claims)}</td>`,
      `<td>${escapeHtml(r.figure)}</td>`,
      `<td class="num">${Number.isNaN(r.max) ? "" : escapeHtml(fmt(r.max))}</td>`,
      `<td>${escapeHtml(r.measured)}</td>`,
      `<td class="${verdictClass(r.measuredVerdict)}">${escapeHtml(r.measuredVerdict)}</td>`,
      `<td>${escapeHtml(r.projected)}</td>`,
      `<td class="${verdictClass(r.projectedVerdict)}">${escapeHtml(r.projectedVerdict)}</td>`,
    ];
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="targets">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join("\n")}\n</tbody>\n</table>`;
}
