// One fault run's result as data (`--json` prints one per fault) and the table the lab prints,
// as pure code. The verdict: a run passes when nothing acknowledged was lost, fsck is clean, the
// stack recovered and no consumer saw a duplicate or a reordered event.
import type { Loss } from "./audit.ts";
import type { EventCheck } from "./event-order.ts";

export interface FaultResult {
  readonly fault: string;
  /** The process hit and its PID; undefined when the fault could not be injected. */
  readonly target: { readonly name: string; readonly pid: number } | undefined;
  readonly durationS: number;
  readonly ratePerS: number;
  readonly devices: number;
  readonly acknowledged: number;
  readonly found: number;
  readonly lost: number;
  readonly losses: readonly Loss[];
  /** Client-visible errors (after the device's own retries) by code, e.g. {"HTTP_503": 4}. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly attempts: number;
  readonly events: EventCheck;
  /** Seconds from the injection until the error rate is back to its pre-fault level. */
  readonly recoverySeconds: number | undefined;
  readonly baselineErrorRate: number;
  /** When the stack reported every process healthy again, seconds after the injection. */
  readonly healthyAfterS: number | undefined;
  /** Whether the lab had to run `up` (the supervisor did not bring the process back in time). */
  readonly ranUp: boolean;
  readonly fsck: { readonly clean: boolean; readonly violations: number; readonly note?: string };
  readonly passed: boolean;
  readonly why: readonly string[];
}

/** The reasons a run fails; empty when it passes. */
export function verdictReasons(r: Omit<FaultResult, "passed" | "why">): string[] {
  const why: string[] = [];
  if (r.target === undefined) why.push("the fault was not injected");
  if (r.acknowledged === 0) why.push("no commit was acknowledged: the load never ran");
  if (r.lost > 0) why.push(`${r.lost} acknowledged commit(s) lost`);
  if (!r.fsck.clean)
    why.push(`fsck: ${r.fsck.violations} violation(s) ${r.fsck.note ?? ""}`.trim());
  if (r.recoverySeconds === undefined) why.push("the error rate did not return to its baseline");
  if (r.healthyAfterS === undefined) why.push("the stack did not report healthy again");
  if (r.events.duplicates > 0) why.push(`${r.events.duplicates} duplicate event(s)`);
  if (r.events.reordered > 0) why.push(`${r.events.reordered} reordered event(s)`);
  return why;
}

const errorsText = (errors: Readonly<Record<string, number>>): string => {
  const entries = Object.entries(errors).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${code} ${n}`).join(", ");
};

const seconds = (s: number | undefined): string => (s === undefined ? "never" : s.toFixed(1));

export function faultTable(results: readonly FaultResult[]): string[] {
  const lines = [
    "| fault | acked | found | lost | errors by code | dup/reord/missing events | " +
      "recovery s | healthy s | fsck | verdict |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const e = r.events;
    lines.push(
      `| ${r.fault} | ${r.acknowledged} | ${r.found} | ${r.lost} | ${errorsText(r.errorsByCode)} | ` +
        `${e.duplicates}/${e.reordered}/${e.missing} of ${e.events} | ${seconds(r.recoverySeconds)} | ` +
        `${seconds(r.healthyAfterS)}${r.ranUp ? " (up)" : ""} | ` +
        `${r.fsck.clean ? "clean" : `${r.fsck.violations} violation(s)`} | ` +
        `${r.passed ? "pass" : `FAIL: ${r.why.join("; ")}`} |`,
    );
  }
  return lines;
}
