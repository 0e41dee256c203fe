// The summary `syncbench validate` prints last: one row per claim of the ledger (claim, target in
// the design's words, the figure measured here, the figure projected to the design's scale, the
// verdict), the verdict counts, the stages that did not finish and the gate's outcome. Pure: it
// reads the ledger's --json document as data.
import { z } from "zod";
import { SyncbenchError } from "../reference-impl/core/errors.ts";

const partSchema = z.object({
  method: z.string(),
  verdict: z.string(),
  figures: z.array(z.string()),
  detail: z.string().optional(),
});

const ledgerSchema = z.object({
  counts: z.record(z.string(), z.number()),
  claims: z.array(
    z.object({
      id: z.string(),
      claim: z.string(),
      verdict: z.string(),
      parts: z.array(partSchema),
    }),
  ),
});

export type LedgerDocument = z.infer<typeof ledgerSchema>;

export function parseLedger(text: string, source: string): LedgerDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyncbenchError("VALIDATE_STAGE_OUTPUT", `${source}: not JSON (${String(error)})`);
  }
  const parsed = ledgerSchema.safeParse(json);
  if (!parsed.success)
    throw new SyncbenchError(
      "VALIDATE_STAGE_OUTPUT",
      `${source}: not a claims ledger (${parsed.error.issues[0]?.message ?? "?"})`,
    );
  return parsed.data;
}

export interface SummaryRow {
  readonly id: string;
  readonly claim: string;
  readonly measured: string;
  readonly projected: string;
  readonly verdict: string;
}

/**
 * A ledger figure made short for a 24-column cell: without the metric's name in front (the claim
 * says what it is) and without the source in parentheses ("deltaUpload.latencyMsP99 161.9 ms
 * (results.json, builtin)" -> "161.9 ms"); the ledger's files keep the whole text.
 */
export function shortFigure(figure: string): string {
  const withoutName = figure.replace(/^[a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+\s+/, "");
  const withoutSource = withoutName.replace(/\s*\([^()]*\)\s*$/, "");
  return withoutSource === "" ? figure : withoutSource;
}

/** The figure of one method's part: its first figure, else its verdict in words. */
function figureOf(parts: LedgerDocument["claims"][number]["parts"], methods: string[]): string {
  const part = parts.find((p) => methods.includes(p.method));
  if (!part) return "-";
  if (part.figures.length > 0) return shortFigure(part.figures[0]!);
  return part.verdict === "not-measured" ? "not measured" : part.verdict;
}

export function summaryRows(ledger: LedgerDocument): SummaryRow[] {
  return ledger.claims.map((c) => ({
    id: c.id,
    claim: c.claim,
    measured: figureOf(c.parts, ["measured"]),
    projected: figureOf(c.parts, ["simulated"]),
    verdict: c.verdict,
  }));
}

const clip = (text: string, width: number) =>
  text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;

/** Fixed-width lines: 100 columns, the verdict first so a reader scans it. */
export function summaryLines(rows: readonly SummaryRow[]): string[] {
  const header = `${"claim".padEnd(4)} ${"verdict".padEnd(12)} ${"target (the design's words)".padEnd(30)} ${"measured here".padEnd(24)} projected`;
  return [
    header,
    ...rows.map(
      (r) =>
        `${r.id.padEnd(4)} ${r.verdict.padEnd(12)} ${clip(r.claim, 30)} ${clip(r.measured, 24)} ` +
        clip(r.projected, 24).trimEnd(),
    ),
  ];
}

export function countsLine(ledger: LedgerDocument): string {
  const order = ["holds", "fails", "inconsistent", "unverifiable", "not-measured"];
  return order
    .filter((k) => ledger.counts[k] !== undefined)
    .map((k) => `${ledger.counts[k]} ${k}`)
    .join(", ");
}
