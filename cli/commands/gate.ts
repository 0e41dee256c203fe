// `syncbench gate RESULTS --targets <scenario|file>`: judges a run's metrics against targets and
// a baseline (reports/gate/), prints one line per check, exits 4 on any failure.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseBaselineFile } from "../../formats/baseline.schema.ts";
import { parseResultsFile } from "../../formats/results.schema.ts";
import { evaluateGate, tolerancePctDefault } from "../../reports/gate/gate.ts";
import { gateJson, gateJunit, gateLines } from "../../reports/gate/gate-output.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { resolveTargets } from "../gate-targets.ts";
import { readInputFile } from "../read-file.ts";

const tolerancePctMax = 1000;

export const command: Command = {
  summary: "judge a run against its targets and a baseline; exit 4 on a miss or regression (CI)",
  help: `usage: syncbench gate RESULTS --targets <scenario|file> [--baseline FILE]
                     [--tolerance PCT] [--junit OUT.xml] [--json]

Judges results.json, per operation and percentile, against targets and a baseline:
  --targets X     a scenario name: the targets the results file recorded for it (else the
                  library scenario's); or a file: a targets file ("syncbench.targets", see
                  formats/targets.schema.ts, may set samplesMin per metric) or a scenario .json
  --baseline F    a baseline from \`syncbench baseline update\`: every metric in it is checked
                  for a regression too
  --tolerance P   slowdown allowed beyond the noise before a regression is called, in %
                  (default ${tolerancePctDefault}, 0..${tolerancePctMax})
  --junit F       also write JUnit XML (one testcase per metric) to F
A check fails when the target is missed (measured > max); when it regressed: the run's 95 %
interval of the percentile (order statistics of its HDR histogram) lies wholly above the
baseline's interval plus the tolerance; when the percentile has too few samples: it needs
10 / (1 - q) (p50 20, p90 100, p99 1,000, p99.9 10,000) unless the target sets samplesMin,
and fails as "not enough samples (have n, need m)"; and when it was not measured at all.
See reports/gate/README.md. Exit codes: 0 every check passed, 4 a check failed, 2 usage.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      targets: { type: "string" },
      baseline: { type: "string" },
      tolerance: { type: "string" },
      junit: { type: "string" },
    });
    const [resultsPath] = positionals;
    if (positionals.length !== 1 || resultsPath === undefined) {
      throw new UsageError(`expected one results file, got ${positionals.length}`);
    }
    if (values.targets === undefined) throw new UsageError("missing --targets <scenario|file>");
    const tolerancePct =
      values.tolerance === undefined ? tolerancePctDefault : Number(values.tolerance);
    if (!(Number.isFinite(tolerancePct) && tolerancePct >= 0 && tolerancePct <= tolerancePctMax)) {
      throw new UsageError(
        `--tolerance must be a number 0..${tolerancePctMax} (%), got "${values.tolerance}"`,
      );
    }
    const results = parseResultsFile(readInputFile(resultsPath, ctx.cwd, "results"), resultsPath);
    const { targets, source } = resolveTargets(values.targets, results, ctx.cwd);
    const baseline =
      values.baseline === undefined
        ? undefined
        : parseBaselineFile(readInputFile(values.baseline, ctx.cwd, "baseline"), values.baseline);
    const report = evaluateGate({ results, targets, baseline, tolerancePct });
    const exitCode = report.ok ? exitCodes.ok : exitCodes.targetMissed;
    if (values.junit !== undefined)
      writeFileSync(resolve(ctx.cwd, values.junit), gateJunit(report));
    if (values.json) {
      ctx.out(gateJson(report, exitCode));
      return exitCode;
    }
    const against = baseline ? ` and baseline ${values.baseline}` : "";
    ctx.out(`gate ${resultsPath}: ${source}${against}`);
    for (const line of gateLines(report)) ctx.out(line);
    return exitCode;
  },
};
