// `syncbench validate [--quick] [--out DIR]`: the main job (`npm start`). Parses its flags, runs
// validate/validate.ts with a progress line on stderr, and prints the closing summary.
import { resolve } from "node:path";
import { claimRows, closingLines, prepareOutDir, validate } from "../../validate/validate.ts";
import { commonOptions, integerFlag, parseFlags, UsageError, type Command } from "../command.ts";
import { progress, stderrIsTty } from "../progress.ts";
import { stopRunningStage } from "../../validate/run-stage.ts";
import { providerFor } from "../stack-cli.ts";

/** reports/out/2026-12-07T03-12-55Z: sortable, and a valid folder name everywhere. */
export function timestampFolder(now: Date): string {
  return `reports/out/${now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-")}`;
}

export const command: Command = {
  summary: "the main job: measure here, calibrate, project to the design's scale, report, gate",
  help: `usage: syncbench validate [--quick] [--out DIR] [--seed S] [--json]

Answers which of the design's claims hold, in one run:
  1. brings the stack up (as \`syncbench up\`; it stays up afterwards)
  2. finds the rate this machine sustains on design-peak-25k's mix (run --find-knee)
  3. runs design-peak-25k (and, without --quick, delta-edit-storm) at 0.8 x that rate, the
     same edits under the design's variants V0/V1/V2 (compare-variants), and the memory per
     WebSocket connection of one NotificationService process
  4. calibrates the simulator from the run, projects to the design's scale (simulate design-peak,
     rolling-deploy, and without --quick kafka-lag, cdn-hit-rate, shard-skew, gc-backlog) and
     sizes the pools for 700M users (simulate plan, priced by cost --plan)
  5. the delta engine's bench (--quick) and the edit workloads
  6. writes the report (HTML + Vega-Lite), the claims ledger, the cost tables and the gate's
     verdict on the design-peak run, then prints one row per claim
Every stage runs in its own process with a time bound; its output is in DIR/logs/. A stage that
fails is reported, and the stages that need its files are skipped; the others still run.
  --quick     shorter steps and runs, two experiments: about 3 minutes after the first install
              (the default run: about 10)
  --out DIR   a new or empty folder (default reports/out/<UTC timestamp>/)
  --seed S    root seed of the runs and the simulator (default 42)
  --json      stage lines go to stderr; stdout is one document: the stages, the rate used, the
              report's path and the claims' rows
Exit codes: the gate's: 0 every target of design-peak-25k held on this machine, 4 one missed or
had too few samples; 1 the gated run could not be made; 2 usage; 3 the stack could not start.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      quick: { type: "boolean" },
      out: { type: "string" },
      seed: { type: "string" },
    });
    if (positionals.length > 0)
      throw new UsageError(`validate takes no arguments, got "${positionals.join(" ")}"`);
    const seed = integerFlag(values.seed, "seed", 42, 0, 0xffffffff);
    const outDir = resolve(ctx.cwd, values.out ?? timestampFolder(new Date()));
    prepareOutDir(outDir);
    const live = progress(ctx, { isTty: stderrIsTty(), plainEvery: 20 });
    const stop = () => {
      stopRunningStage();
      live.end();
      ctx.err(
        "validate: interrupted; the stage in flight was ended (its log is in the run folder)",
      );
      process.exit(130);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const startMs = Date.now();
    try {
      const result = await validate(
        { quick: values.quick === true, outDir, seed },
        {
          env: ctx.env,
          provider: () => providerFor(ctx),
          say: (line) => (values.json ? ctx.err(line) : ctx.out(line)),
          progress: (text, final) => live.update(text, final),
          progressEnd: () => live.end(),
        },
      );
      const elapsedS = (Date.now() - startMs) / 1000;
      if (values.json) ctx.out(JSON.stringify({ ...result, elapsedS, claims: claimRows(result) }));
      else for (const line of closingLines(result, elapsedS)) ctx.out(line);
      return result.exitCode;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};
