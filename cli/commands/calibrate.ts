// `syncbench calibrate results.json -o calibration.json`: fits a service-time distribution per
// part from a measured run (results.json of `syncbench run`, or measured-ops) and writes
// calibration.json; prints each part's method and how far the fit lands from the measurement.
// The file's reading and translation are formats/' (the one translator, shared with
// `simulate --validate` and `run --measured-ops`); with --json, stdout is the calibration alone.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkCalibration } from "../../formats/calibration.schema.ts";
import { measuredFromFile } from "../../formats/measured-from-results.ts";
import { isModelPartName, type ModelPartName } from "../../formats/part-names.ts";
import { fitCalibration } from "../../simulator/calibration/fit.ts";
import { moments } from "../../simulator/core/variates.ts";
import { designDefaults } from "../../simulator/models/design.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { readInputFile } from "../read-file.ts";

export const command: Command = {
  summary:
    "fit the simulator's service times from a measured run (results.json -> calibration.json)",
  help: `usage: syncbench calibrate results.json -o calibration.json [--json]

Reads a measured run: the results.json that \`syncbench run\` writes ("syncbench.results"; its
operations become one pure-delay part each, "<op>.clientServiceTime", behind the shared
"generator.sendLag"), or a "syncbench.measured-ops" file (formats/measured.schema.ts);
fits a lognormal per part (from its histogram, or from p50 and p99), falls back to the
histogram itself when the lognormal misses p50 or p99 by more than 10 %, and writes
calibration.json for \`syncbench simulate --calibration\`. A run against the real stack also
carries the ChunkServices' own timings per part (results.json "serverParts": s3.read, s3.write,
chunkService.deltaApply, metadataDb.query, metadataDb.commit, kafka.publish); those are fitted
under the same names and replace the design's figures in \`simulate <experiment> --calibration\`.
When the run held delta uploads alone, the ChunkServices' CPU seconds over the window divided by
the uploads become chunkService.cpu (the utilisation law), the experiments' ChunkService service
time in place of the design's ~30 ms; the delta apply alone is only part of it.
With --json, stdout is the calibration (one JSON document); the seed line and warnings go to
stderr. Exit codes: 0 ok, 2 invalid input.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      out: { type: "string", short: "o" },
    });
    const input = positionals[0];
    if (positionals.length !== 1 || input === undefined)
      throw new UsageError(`expected one results file, got ${positionals.length}`);
    if (!values.out)
      throw new UsageError("missing -o calibration.json (where to write the calibration)");
    (values.json ? ctx.err : ctx.out)(`seed=none calibration=${values.out} (fitted from ${input})`);
    const measured = measuredFromFile(
      readInputFile(input, ctx.cwd, "measured run"),
      input,
      ctx.err,
    );
    const calibration = fitCalibration(measured, input);
    checkCalibration(calibration, `fitted from "${input}"`); // a fit that produced NaN stops here
    writeFileSync(resolve(ctx.cwd, values.out), `${JSON.stringify(calibration, null, 2)}\n`);
    if (values.json) ctx.out(JSON.stringify(calibration));
    else {
      for (const [name, part] of Object.entries(calibration.parts)) {
        ctx.out(
          `  ${name.padEnd(34)} ${part.method.padEnd(22)} ${part.spec.kind} ` +
            `p50 error ${part.p50ErrorPct.toFixed(1)} % ` +
            `p99 error ${part.p99ErrorPct.toFixed(1)} % samples=${part.samples ?? "n/a"}`,
        );
      }
      // Which of the experiments' parts this calibration replaces, beside the design's figure.
      const replaced = Object.keys(calibration.parts).filter((n) => isModelPartName(n));
      for (const name of replaced) {
        const measuredMs = moments(calibration.parts[name]!.spec).mean * 1000;
        const designMs = moments(designDefaults.service[name]).mean * 1000;
        ctx.out(
          `  experiments use measured ${name}: mean ${measuredMs.toFixed(2)} ms (design figure ${designMs.toFixed(2)} ms)`,
        );
      }
      // Server-side parts the experiments' model has no place for (the delta apply is inside
      // chunkService.cpu there), so nobody reads them as calibrating a projection.
      const operationParts = new Set(
        calibration.operations.flatMap((op) => op.parts.map((p) => p.name)),
      );
      const unused = Object.keys(calibration.parts).filter(
        (n) => !replaced.includes(n as ModelPartName) && !operationParts.has(n),
      );
      if (unused.length > 0)
        ctx.out(`  measured but no part of the experiments' model: ${unused.join(", ")}`);
      if (replaced.length === 0) {
        ctx.out(
          "  no part of the experiments' model is in this run (no server-side timings): " +
            "simulate <experiment> --calibration would use the design's figures; --validate uses the operations' parts",
        );
      }
    }
    return 0;
  },
};
