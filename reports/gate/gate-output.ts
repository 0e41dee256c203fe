// The gate's report in three forms: lines for a person (one per check: measured with its 95 %
// interval and sample count, target, baseline, verdict and why), one JSON document for --json,
// and JUnit XML (one testcase per check, a <failure> for each failed one) for CI systems that
// display test reports. Deterministic: the same report gives the same bytes.
import type { GateCheck, GateReport } from "./gate.ts";

const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : "∞");

function measuredText(c: GateCheck): string {
  const m = c.measured;
  if (!m) return "not measured";
  const ci = m.ciLow === null || m.ciHigh === null ? "" : ` [${fmt(m.ciLow)}, ${fmt(m.ciHigh)}]`;
  return `${fmt(m.value)}${ci} n=${m.samplesCount}`;
}

function targetText(c: GateCheck): string {
  if (!c.target) return "no target";
  const claims = c.target.claims.length > 0 ? ` (${c.target.claims.join(", ")})` : "";
  return `<= ${fmt(c.target.max)}${claims}`;
}

function baselineText(c: GateCheck): string {
  if (!c.baseline) return "no baseline";
  return `baseline ${fmt(c.baseline.valueMs)} [${fmt(c.baseline.ciLowMs)}, ${fmt(c.baseline.ciHighMs)}]`;
}

/** One line per check, then the why of each failure, then the notes and the summary. */
export function gateLines(report: GateReport): string[] {
  const lines = report.checks.map((c) => {
    const verdict = c.verdict === "pass" ? "pass" : `FAIL ${c.verdict}`;
    return (
      `  ${c.metric.padEnd(32)} ${measuredText(c).padEnd(34)} ${targetText(c).padEnd(18)} ` +
      `${baselineText(c).padEnd(30)} ${verdict}`
    );
  });
  for (const c of report.checks) {
    for (const f of c.failures) lines.push(`  ${c.metric}: ${f}`);
    for (const n of c.notes) lines.push(`  ${c.metric}: note: ${n}`);
  }
  for (const n of report.notes) lines.push(`  note: ${n}`);
  const failed = report.checks.filter((c) => c.verdict !== "pass").length;
  lines.push(
    `gate: ${report.ok ? "passed" : "FAILED"}: ${report.checks.length - failed} of ` +
      `${report.checks.length} checks passed (intervals ${report.confidence * 100} %, ` +
      `regression tolerance ${report.tolerancePct} %)`,
  );
  return lines;
}

/** The --json document: the report as it is, with ∞ written as null. */
export function gateJson(report: GateReport, exitCode: number): string {
  return JSON.stringify({ ...report, exitCode }, (_key, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? null : value,
  );
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** JUnit XML: suite "syncbench gate", classname the metric's subject, name the metric. */
export function gateJunit(report: GateReport, suiteName = "syncbench gate"): string {
  const failures = report.checks.filter((c) => c.verdict !== "pass").length;
  const cases = report.checks.map((c) => {
    const subject = c.metric.split(".")[0] ?? c.metric;
    const summary = `${measuredText(c)}; ${targetText(c)}; ${baselineText(c)}`;
    const open =
      `    <testcase classname="${xmlEscape(`syncbench.gate.${subject}`)}" ` +
      `name="${xmlEscape(c.metric)}" time="0">`;
    const body =
      c.verdict === "pass"
        ? `      <system-out>${xmlEscape(summary)}</system-out>`
        : `      <failure type="${c.verdict}" message="${xmlEscape(c.failures.join("; "))}">` +
          `${xmlEscape(summary)}</failure>`;
    return `${open}\n${body}\n    </testcase>`;
  });
  const notes =
    report.notes.length === 0
      ? []
      : [`    <system-out>${xmlEscape(report.notes.join("\n"))}</system-out>`];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlEscape(suiteName)}" tests="${report.checks.length}" ` +
      `failures="${failures}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" tests="${report.checks.length}" ` +
      `failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    ...notes,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
