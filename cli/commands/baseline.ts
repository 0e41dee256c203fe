// `syncbench baseline update RESULTS [--out FILE]`: writes the gate's baseline of a run
// (reports/gate/baseline.ts): every percentile with enough samples and its 95 % interval.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseResultsFile } from "../../formats/results.schema.ts";
import { baselineFromResults } from "../../reports/gate/baseline.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { readInputFile } from "../read-file.ts";

export const command: Command = {
  summary: "write the gate's baseline from a run (baseline update results.json --out FILE)",
  help: `usage: syncbench baseline update RESULTS [--out FILE] [--json]

Writes a baseline for \`syncbench gate --baseline\`: p50, p90, p99 and p99.9 of every measured
operation's latency and of the notifications' freshness, each with its 95 % order-statistic
interval and sample count, for those that have the samples the gate asks (10 / (1 - q): p99
needs 1,000); the others are listed as skipped. Commit the file beside the CI job that gates on
it; to tighten it by hand, lower valueMs, ciLowMs and ciHighMs together.
  --out FILE   where to write (default baselines/<scenario>.baseline.json)
Exit codes: 0 written, 1 no percentile had enough samples (nothing written), 2 usage.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, { ...commonOptions, out: { type: "string" } });
    const [sub, resultsPath] = positionals;
    if (sub !== "update")
      throw new UsageError(`expected "baseline update RESULTS", got "${positionals.join(" ")}"`);
    if (positionals.length !== 2 || resultsPath === undefined) {
      throw new UsageError(
        `expected one results file after "update", got ${positionals.length - 1}`,
      );
    }
    const results = parseResultsFile(readInputFile(resultsPath, ctx.cwd, "results"), resultsPath);
    const { baseline, skipped } = baselineFromResults(results, resultsPath);
    for (const s of skipped) ctx.err(`  skipped ${s}`);
    if (baseline.metrics.length === 0) {
      throw new SyncbenchError(
        "BASELINE_EMPTY",
        `no percentile of ${resultsPath} had enough samples for a baseline; nothing written`,
        { hint: "run longer or at a higher rate (p99 needs 1,000 samples per operation)" },
      );
    }
    const out = values.out ?? `baselines/${baseline.source.scenario}.baseline.json`;
    mkdirSync(dirname(resolve(ctx.cwd, out)), { recursive: true });
    writeFileSync(resolve(ctx.cwd, out), `${JSON.stringify(baseline, null, 2)}\n`);
    if (values.json) ctx.out(JSON.stringify({ ok: true, out, metrics: baseline.metrics, skipped }));
    else {
      for (const m of baseline.metrics) {
        ctx.out(
          `  ${m.metric.padEnd(32)} ${m.valueMs} ms [${m.ciLowMs}, ${m.ciHighMs}] n=${m.samplesCount}`,
        );
      }
      ctx.out(
        `baseline: ${baseline.metrics.length} metrics written to ${out} (${skipped.length} skipped)`,
      );
    }
    return 0;
  },
};
