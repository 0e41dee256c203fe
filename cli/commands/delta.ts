// `syncbench delta encode OLD NEW -o DELTA` and `syncbench delta apply OLD DELTA -o NEW`: parses
// the flags, calls reference-impl/client/file-delta.ts (whole files, block by block, in the
// container of reference-impl/core/DELTA-FORMAT.md) and prints what it read and wrote.
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import {
  applyFileDelta,
  encodeFileDelta,
  type FileDeltaStats,
} from "../../reference-impl/client/file-delta.ts";
import * as limits from "../../reference-impl/core/limits.ts";

const help = `usage: syncbench delta encode OLD NEW -o DELTA [--block-size BYTES] [--json]
       syncbench delta apply  OLD DELTA -o NEW [--json]

encode writes a delta that turns OLD into NEW; apply rebuilds NEW from OLD and the delta.
Files of any size are streamed block by block (4 MiB blocks by default): block i of NEW is
encoded against blocks i-1, i and i+1 of OLD. Every block and both files are checked by SHA-256.
The output appears only when the whole operation succeeded (temporary file, then rename).

options:
  -o, --output PATH     where to write the delta (encode) or the new file (apply)
  --block-size BYTES    block size for encode (${limits.blockSizeBytesMin}..${limits.blockSizeBytesMax}, default ${limits.blockSizeBytes})
  --json                print {"bytesIn":…,"bytesOut":…,"ms":…,"blockCount":…}

exit codes: 0 done, 1 bad or mismatched delta (nothing written), 2 usage error.
format: reference-impl/core/DELTA-FORMAT.md`;

function report(
  ctx: CliContext,
  verb: string,
  json: boolean,
  outPath: string,
  result: FileDeltaStats,
  ms: number,
): void {
  const stats = { ...result, ms: Math.round(ms * 10) / 10 };
  if (json) {
    ctx.out(JSON.stringify(stats));
    return;
  }
  ctx.out(
    `${verb} ${result.blockCount} block(s): ${result.bytesIn} B in, ${result.bytesOut} B ` +
      `out, ${stats.ms} ms -> ${outPath}`,
  );
}

export const command: Command = {
  summary: "encode or apply a block delta between two files (xdelta-like)",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      output: { type: "string", short: "o" },
      "block-size": { type: "string" },
    });
    const [sub, first, second, ...extra] = positionals;
    if ((sub !== "encode" && sub !== "apply") || !first || !second || extra.length > 0) {
      throw new UsageError(
        "expected `delta encode OLD NEW -o DELTA` or `delta apply OLD DELTA -o NEW`",
      );
    }
    if (!values.output) throw new UsageError(`delta ${sub} needs -o PATH`);
    const blockSize = Number(values["block-size"] ?? limits.blockSizeBytes);
    if (sub === "apply" && values["block-size"] !== undefined) {
      throw new UsageError("--block-size applies to encode only: apply reads it from the delta");
    }
    if (
      !Number.isInteger(blockSize) ||
      blockSize < limits.blockSizeBytesMin ||
      blockSize > limits.blockSizeBytesMax
    ) {
      throw new UsageError(
        `--block-size must be an integer in ${limits.blockSizeBytesMin}..` +
          `${limits.blockSizeBytesMax}, got ${values["block-size"]}`,
      );
    }
    const startMs = performance.now();
    const result =
      sub === "encode"
        ? encodeFileDelta({
            oldPath: first,
            newPath: second,
            outPath: values.output,
            blockSizeBytes: blockSize,
          })
        : applyFileDelta({ oldPath: first, deltaPath: second, outPath: values.output });
    report(
      ctx,
      sub === "encode" ? "encoded" : "applied",
      values.json === true,
      values.output,
      result,
      performance.now() - startMs,
    );
    return 0;
  },
};
