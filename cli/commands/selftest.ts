// `syncbench selftest co`: proves the open-model driver free of coordinated omission against a
// built-in server that stalls for a known time at known moments, and prints beside it what a
// closed-model measurement of the same server reports. Exit 0 passed, 1 failed or inconclusive.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import {
  coSelftestDefaults,
  runCoSelftest,
  type CoSelftestReport,
} from "../../scenarios/selftest/co-selftest.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { cells } from "../../scenarios/run/summary.ts";
import type { CliContext } from "../context.ts";

const d = coSelftestDefaults;
const help = `usage: syncbench selftest co [--rate-per-s R] [--period-ms P] [--stall-ms S]
                          [--periods N] [--json]

Runs the open-model HTTP driver at R req/s (default ${d.ratePerS}) against a loopback server
that holds every request arriving in the first S ms (default ${d.stallMs}) of each P ms period
(default ${d.periodMs}), for one warm-up period and N measured periods (default
${d.measuredPeriodCount}). The true quantile q is S - (1 - q) * P; the driver's p99 and p99.9
must be within 5% of it. A closed-model measurement (${d.closedConnections} connections, latency
from the actual send) is shown beside it: that is coordinated omission.
Exit codes: 0 passed; 1 failed, or inconclusive (the generator itself was late: machine busy).`;

function checkLine(c: CoSelftestReport["checks"][number], verdict: string): string {
  const figures = cells(
    [c.truthMs.toFixed(1), 9],
    [c.openModelMs.toFixed(1), 9],
    [`${(c.relativeError * 100).toFixed(1)}%`, 7],
    [c.closedModelMs?.toFixed(1) ?? "-", 10],
  );
  return `  ${c.quantile.padEnd(9)} ${figures}  ${verdict}`;
}

function print(ctx: CliContext, r: CoSelftestReport): void {
  const p = r.params;
  ctx.out(
    `selftest co: ${p.ratePerS} req/s, stall ${p.stallMs} ms every ${p.periodMs} ms, ` +
      `${p.measuredPeriodCount} measured periods, tolerance ${p.tolerance * 100}%`,
  );
  const header = cells(["truth ms", 9], ["open ms", 9], ["error", 7], ["closed ms", 10]);
  ctx.out(`  ${"quantile".padEnd(9)} ${header}  verdict`);
  for (const c of r.checks) {
    const verdict = c.withinTolerance ? ctx.color.green("within") : ctx.color.red("outside");
    ctx.out(checkLine(c, verdict));
  }
  const o = r.openModel;
  ctx.out(
    `  open model (latency from intended send): p50 ${o.p50} ms, p90 ${o.p90} ms, ` +
      `send lag p99 ${o.sendLagMsP99} ms (bound ${r.sendLagMsBound.toFixed(1)}), ` +
      `${o.count} samples`,
  );
  if (r.closedModel) {
    ctx.out(
      `  closed model (latency from actual send, not corrected): p50 ${r.closedModel.p50} ms, ` +
        `${r.closedModel.count} samples at ${r.closedModel.achievedRatePerS} req/s achieved`,
    );
  }
  const colour = r.verdict === "passed" ? ctx.color.green : ctx.color.red;
  ctx.out(colour(`  verdict: ${r.verdict}`));
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

export const command: Command = {
  summary: "self-tests of the load drivers (co: coordinated omission against a stalling server)",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      "rate-per-s": { type: "string" },
      "period-ms": { type: "string" },
      "stall-ms": { type: "string" },
      periods: { type: "string" },
    });
    if (positionals[0] !== "co" || positionals.length !== 1) {
      throw new UsageError(`expected "selftest co", got "selftest ${positionals.join(" ")}"`);
    }
    const params = {
      ...coSelftestDefaults,
      ratePerS: positive(values["rate-per-s"], "rate-per-s", coSelftestDefaults.ratePerS),
      periodMs: positive(values["period-ms"], "period-ms", coSelftestDefaults.periodMs),
      stallMs: positive(values["stall-ms"], "stall-ms", coSelftestDefaults.stallMs),
      measuredPeriodCount: positive(
        values.periods,
        "periods",
        coSelftestDefaults.measuredPeriodCount,
      ),
    };
    if (params.stallMs >= params.periodMs)
      throw new UsageError("--stall-ms must be less than --period-ms");
    const report = await runCoSelftest(params);
    if (values.json) ctx.out(JSON.stringify(report, null, 2));
    else print(ctx, report);
    return report.verdict === "passed" ? exitCodes.ok : exitCodes.failure;
  },
};
