// The ledger's vocabulary: a claim's verdict, one part per method that decides it, and the
// conventions every verdict function shares (how a stated figure is read: its precision, and
// which way a measured figure may deviate). Pure: no I/O.

export const verdicts = ["holds", "fails", "inconsistent", "unverifiable", "not-measured"] as const;
export type Verdict = (typeof verdicts)[number];

export const methods = ["arithmetic", "measured", "simulated", "cost", "assumption"] as const;
export type Method = (typeof methods)[number];

/** One method's evaluation of a claim: its verdict, the figures, how they were computed. */
export interface Part {
  readonly method: Method;
  readonly verdict: Verdict;
  /** The figures computed or read, each with its unit: "delta 132 B (text-overwrite100)". */
  readonly figures: readonly string[];
  /** The recomputation, step by step, units and conventions stated. */
  readonly steps: readonly string[];
  /** Why: the conflicting statements, the evidence that would decide, the file to give. */
  readonly detail?: string;
  /** Samples, replications and intervals behind a measured or simulated figure. */
  readonly samples?: string;
  /** The design's figures used, or the file and field read. */
  readonly sources: readonly string[];
}

export interface ClaimRow {
  readonly id: string;
  readonly claim: string;
  readonly methods: readonly Method[];
  readonly verdict: Verdict;
  readonly parts: readonly Part[];
  /** For input assumptions: how the dependent figures move at half and double the input. */
  readonly sensitivity: readonly string[];
}

/**
 * A claim's verdict from its parts: the design contradicting itself outranks a failure, a
 * failure outranks a part still to measure, and a claim holds only when every part holds.
 */
const precedence: readonly Verdict[] = [
  "inconsistent",
  "fails",
  "not-measured",
  "unverifiable",
  "holds",
];

export function combine(parts: readonly Part[]): Verdict {
  for (const v of precedence) if (parts.some((p) => p.verdict === v)) return v;
  return "unverifiable";
}

/**
 * The interval a stated figure stands for, read at the precision it is written with: its
 * significant digits, trailing zeros of an integer not counted ("20,000" is 1 digit: 15,000 to
 * 25,000; "67" is 66.5 to 67.5; "0.3" is 0.25 to 0.35). The ledger's reading of "~" and
 * "approximately": a recomputed figure that rounds to the stated one agrees with it.
 */
export function statedInterval(stated: number): { low: number; high: number; digits: number } {
  if (stated === 0) return { low: 0, high: 0, digits: 1 };
  let digits = 1;
  while (digits < 15 && Number(stated.toPrecision(digits)) !== stated) digits++;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(stated))) - digits + 1);
  return { low: stated - unit / 2, high: stated + unit / 2, digits };
}

/** Does `computed` round to `stated` at the stated precision? */
export function roundsTo(computed: number, stated: number): boolean {
  const { low, high } = statedInterval(stated);
  return computed >= low && computed < high;
}

/** "holds" if `ok`, else "fails": the one place a boolean becomes a verdict. */
export function verdictOf(ok: boolean): Verdict {
  return ok ? "holds" : "fails";
}

/** A number for people: thousands separators, at most 4 significant digits. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e15)) return value.toExponential(3);
  const rounded = Number(
    value.toPrecision(abs >= 1e4 ? Math.max(4, Math.ceil(Math.log10(abs))) : 4),
  );
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** A percentage with up to 4 significant digits. */
export function pct(fraction: number): string {
  return `${fmt(fraction * 100)} %`;
}

/** The stated interval as text, for a step: "rounds to 20,000 (15,000 .. 25,000)". */
export function intervalText(stated: number): string {
  const { low, high } = statedInterval(stated);
  return `${fmt(stated)} read at its precision: ${fmt(low)} .. ${fmt(high)}`;
}

/** A part whose file was not given: which file decides it and the command that writes it. */
export function notMeasured(method: Method, file: string, sources: readonly string[] = []): Part {
  return {
    method,
    verdict: "not-measured",
    figures: [],
    steps: [],
    detail: `give ${file}`,
    sources,
  };
}

/** A part no file of this tool can decide: what evidence would. */
export function unverifiable(
  method: Method,
  evidence: string,
  figures: readonly string[] = [],
  sources: readonly string[] = [],
): Part {
  return { method, verdict: "unverifiable", figures, steps: [], detail: evidence, sources };
}
