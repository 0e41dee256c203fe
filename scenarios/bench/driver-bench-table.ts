// The driver bench's verdict table: one row per figure (ours, the anchor measured in the same run,
// their ratio, the target, the verdict), and the rows for parts that could not be measured,
// which say why and count as misses. Pure apart from printing.
import { loadavg } from "node:os";
import type { Agreement, StallComparison } from "./driver-vs-vegeta.ts";
import { vegetaAgreementMax } from "./driver-vs-vegeta.ts";

export interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly anchor: string;
  readonly ratio: string;
  readonly target: string;
  /** "met", "MISSED", or "NOT MEASURED" (counted as a miss). */
  readonly verdict: string;
}

/** A part that did not run to the end: its row says what failed, in one line. */
export function notMeasuredRow(figure: string, target: string, error: unknown): Row {
  const reason = error instanceof Error ? error.message : String(error);
  const text = reason.replace(/\s+/g, " ").slice(0, 160);
  return { figure, ours: "-", anchor: `- (${text})`, ratio: "-", target, verdict: "NOT MEASURED" };
}

/**
 * The agreement rows. "latency" is the driver's figure from the intended send (coordinated
 * omission corrected), so it carries the driver's own send lag (its timers wake up to ~1 ms late);
 * "service" is from the actual send, where Vegeta starts its clock. The verdict is taken on the
 * steady endpoint (a fixed 10 ms answer), where both tools measure the endpoint rather than
 * their own overheads; on the trivial endpoint (an immediate answer, ~0.1-0.6 ms) the row is
 * informational: what it shows is the tools' overheads, which differ by more than 10 %.
 */
export function vegetaRows(
  agreements: readonly Agreement[],
  at: {
    readonly ratePerS: number;
    readonly reps: number;
    readonly side: "latency" | "service";
    readonly endpoint: "steady" | "trivial";
  },
) {
  const what =
    at.side === "latency" ? "latency from the intended send" : "service time from the actual send";
  const endpoint =
    at.endpoint === "steady" ? "steady 10 ms endpoint" : "trivial endpoint, informational";
  return agreements.map((a): Row => ({
    figure: `${what} ${a.quantile} at ${at.ratePerS} req/s, ${endpoint} (median of ${at.reps} reps)`,
    ours: `${a.driverMs} ms`,
    anchor: `vegeta ${a.vegetaMs} ms`,
    ratio: a.driverMs > 0 ? `${(a.vegetaMs / a.driverMs).toFixed(2)}x` : "-",
    target: at.endpoint === "steady" ? `within ${vegetaAgreementMax * 100} % of each other` : "-",
    verdict: at.endpoint === "trivial" ? "-" : a.agrees ? "met" : "MISSED",
  }));
}

/** The stall rows judge the built-in driver against the truth as `selftest co` does (5 %). */
export function stallRows(stall: StallComparison, tolerance: number): Row[] {
  return stall.rows.map((r) => {
    const error = Math.abs(r.driverMs - r.truthMs) / r.truthMs;
    const vegetaError = Math.abs(r.vegetaMs - r.truthMs) / r.truthMs;
    return {
      figure: `${r.quantile} on the stalling endpoint (selftest co, ${stall.ratePerS} req/s)`,
      ours: `${r.driverMs} ms`,
      anchor:
        `truth ${r.truthMs} ms; vegeta ${r.vegetaMs} ms ` +
        `(${(vegetaError * 100).toFixed(1)} % off the truth)`,
      ratio: `${(r.driverMs / r.truthMs).toFixed(3)}x truth`,
      target: `within ${tolerance * 100} % of the truth`,
      verdict: error <= tolerance ? "met" : "MISSED",
    };
  });
}

export interface WsFigures {
  readonly devices: number;
  readonly devicesAsked: number;
  readonly stalled: boolean;
  readonly holders: number;
  readonly connectsPerS: number;
  readonly kibPerDevice: number | null;
}

/** Memory per device, and whether every device asked for was held (a stall is a miss). */
export function wsRows(ws: WsFigures): Row[] {
  const kib = ws.kibPerDevice;
  return [
    {
      figure: `memory per idle WebSocket device (${ws.devices} devices, ${ws.holders} holders)`,
      ours: kib === null ? "-" : `${kib} KiB`,
      anchor: "- (no anchor; the issue's bound)",
      ratio: "-",
      target: "<= 8 KiB",
      verdict: kib === null ? "NOT MEASURED" : kib <= 8 ? "met" : "MISSED",
    },
    {
      figure: `WebSocket devices held (connect rate ${ws.connectsPerS}/s)`,
      ours: `${ws.devices}`,
      anchor: `asked ${ws.devicesAsked}${ws.stalled ? "; connecting stalled" : ""}`,
      ratio: `${(ws.devices / Math.max(1, ws.devicesAsked)).toFixed(3)}`,
      target: "all held",
      verdict: ws.devices === ws.devicesAsked ? "met" : "MISSED",
    },
  ];
}

export function printTable(rows: readonly Row[]): void {
  console.log("\n| figure | syncbench | anchor (same run) | ratio | target | verdict |");
  console.log("|---|---:|---:|---:|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.figure} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.target} | ${r.verdict} |`,
    );
  console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)}`);
  // "-" marks an informational row (no target); every other row is a target.
  const targets = rows.filter((r) => r.verdict !== "-");
  const met = targets.filter((r) => r.verdict === "met").length;
  console.log(`targets: ${met} of ${targets.length} met`);
  for (const r of targets.filter((x) => x.verdict !== "met")) {
    console.log(`${r.verdict} ${r.figure}: ${r.ours}, target ${r.target}`);
  }
}
