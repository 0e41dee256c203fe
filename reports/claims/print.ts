// The ledger as text: one row per claim (id, verdict, methods, the claim in a line, the deciding
// figures, samples), a count of verdicts, then each claim's parts step by step with sources,
// conflicts, the evidence that would decide, and sensitivity lines. Pure: returns lines.
import { verdicts, type ClaimRow, type Part, type Verdict } from "./verdict.ts";

const clip = (text: string, width: number) =>
  text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;

function rowFigures(row: ClaimRow): string {
  // The figures of the part that decided the verdict, else of the first part that has any.
  const withFigures = row.parts.filter((p) => p.figures.length > 0);
  const decisive = withFigures.find((p) => p.verdict === row.verdict) ?? withFigures[0];
  return decisive ? decisive.figures.join("; ") : "-";
}

function samples(row: ClaimRow): string {
  return row.parts
    .map((p) => p.samples)
    .filter((s) => s !== undefined)
    .join("; ");
}

export function verdictCounts(rows: readonly ClaimRow[]): Record<Verdict, number> {
  const counts = Object.fromEntries(verdicts.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of rows) counts[r.verdict]++;
  return counts;
}

export function tableLines(rows: readonly ClaimRow[]): string[] {
  const lines = [
    `${"id".padEnd(4)} ${"verdict".padEnd(13)} ${"methods".padEnd(22)} ` +
      `${"claim".padEnd(48)} figure`,
  ];
  for (const r of rows) {
    const s = samples(r);
    lines.push(
      `${r.id.padEnd(4)} ${r.verdict.padEnd(13)} ${clip(r.methods.join("+"), 22)} ` +
        `${clip(r.claim, 48)} ${rowFigures(r)}${s ? ` [${s}]` : ""}`,
    );
  }
  const counts = verdictCounts(rows);
  lines.push("", `${rows.length} claims: ` + verdicts.map((v) => `${counts[v]} ${v}`).join(", "));
  return lines;
}

function partLines(p: Part): string[] {
  const lines = [
    `  ${p.method}: ${p.verdict}${p.figures.length ? ` — ${p.figures.join("; ")}` : ""}`,
  ];
  for (const step of p.steps) lines.push(`    · ${step}`);
  if (p.detail) lines.push(`    ${p.verdict === "inconsistent" ? "conflict" : "why"}: ${p.detail}`);
  if (p.samples) lines.push(`    samples: ${p.samples}`);
  if (p.sources.length) lines.push(`    source: ${p.sources.join("; ")}`);
  return lines;
}

export function detailLines(rows: readonly ClaimRow[]): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push("", `${r.id} ${r.verdict}: ${r.claim}`);
    for (const p of r.parts) lines.push(...partLines(p));
    for (const s of r.sensitivity) lines.push(`  sensitivity: ${s}`);
  }
  return lines;
}
