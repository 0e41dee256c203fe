// `syncbench report FILE... --out DIR`: the charts and the one-page HTML report of any mix of
// results, knee, calibration, projection and delta-bench files (reports/build-report.ts). Progress goes to
// stderr: one live line on a terminal, a line per chart otherwise; stdout keeps what --json asks.
import { resolve } from "node:path";
import { writeReport, type ReportProgress } from "../../reports/build-report.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { progress, stderrIsTty } from "../progress.ts";
import { readInputFile } from "../read-file.ts";

/** Report inputs, at most: each is read whole into memory. */
const inputFilesMax = 64;

function reportProgress(ctx: CliContext): ReportProgress {
  const live = progress(ctx, { isTty: stderrIsTty(), plainEvery: 1 });
  return (done, total, name) =>
    live.update(`report: chart ${done}/${total} ${name}`, done === total);
}

export const command: Command = {
  summary: "charts (Vega-Lite specs + SVG) and one self-contained index.html from run files",
  help: `usage: syncbench report FILE... --out DIR [--json]

Reads any mix of results.json (syncbench run), knee files (run --find-knee), calibration.json
(calibrate), projection.json (simulate --out) and delta-bench files (npm run bench:delta --
--json), recognised by their "kind", and writes to DIR:
  <chart>.vl.json   a Vega-Lite v5 spec with its data inline (same input -> same bytes)
  <chart>.svg       that chart rendered in Node (vega + vega-lite, no browser)
  index.html        one page with every chart inline and the targets table: no script, no fetch,
                    opens offline
Charts: latency percentiles per operation vs targets (measured with 95 % intervals, projected),
rate asked vs achieved per second, the knee, part p99s that grew at the knee, calibration fit,
reconnect storm, load per shard, Kafka lag, CDN hit rate vs sharing, delta size by edit type,
one block's upload time vs link speed, whole block vs delta (C07). A chart whose inputs are missing says what it could not show.
Progress goes to stderr. With --json, stdout is {"ok":true,"out":DIR,"files":[...]}.
Exit codes: 0 written, 2 usage or an input that is not a stage file.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      out: { type: "string", short: "o" },
    });
    if (positionals.length === 0)
      throw new UsageError(
        "expected at least one input file (results, knee, calibration or projection)",
      );
    if (positionals.length > inputFilesMax)
      throw new UsageError(`at most ${inputFilesMax} input files, got ${positionals.length}`);
    if (!values.out)
      throw new UsageError("missing --out DIR (the folder to write the report into)");
    const sources = positionals.map((path) => ({
      source: path,
      text: readInputFile(path, ctx.cwd, "report input"),
    }));
    const outDir = resolve(ctx.cwd, values.out);
    const files = await writeReport(sources, outDir, reportProgress(ctx));
    if (values.json)
      ctx.out(JSON.stringify({ ok: true, out: values.out, files: files.map((f) => f.name) }));
    else
      ctx.out(
        `report: ${files.length} files in ${values.out}; open ${values.out.replace(/\/$/, "")}/index.html`,
      );
    return 0;
  },
};
