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
import { removeTempFiles } from "../../reference-impl/client/file-io.ts";
import * as limits from "../../reference-impl/core/limits.ts";

const help = `usage: syncbench delta encode OLD NEW -o DELTA [--block-size BYTES] [--force] [--json]
       syncbench delta apply  OLD DELTA -o NEW [--force] [--json]

encode writes a delta that turns OLD into NEW; apply rebuilds NEW from OLD and the delta.
Files of any size are streamed block by block (4 MiB blocks by default): block i of NEW is
encoded against blocks i-1, i and i+1 of OLD. Every block and both files are checked by SHA-256.
The output appears only when the whole operation succeeded: it is written to a new temporary
file beside it (random name, created exclusively, mode 0600), renamed into place at the end, and
removed on error, Ctrl-C or SIGTERM. apply checks the delta's block size and lengths, OLD's size
and the free disk before it allocates or writes anything.

options:
  -o, --output PATH     where to write the delta (encode) or the new file (apply); must not exist
  --force               replace the output if it is a regular file (never a link, device, FIFO
                        or folder)
  --block-size BYTES    block size for encode (${limits.blockSizeBytesMin}..${limits.fileDeltaBlockSizeBytesMax}, default ${limits.blockSizeBytes})
  --json                print {"bytesIn":…,"bytesOut":…,"ms":…,"blockCount":…}

exit codes: 0 done; 1 bad or mismatched delta, unusable input or output, full disk, interrupted
(DELTA_*, CHUNK_*, IO_* codes; nothing written); 2 usage error.
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

/**
 * Runs `work` with SIGINT and SIGTERM handled: the temporary output is removed at once (in the
 * handler), then `work` fails with IO_INTERRUPTED at its next block and the command exits 1.
 */
async function withSignalCleanup<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    removeTempFiles();
    controller.abort(name);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export const command: Command = {
  summary: "encode or apply a block delta between two files (xdelta-like)",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      output: { type: "string", short: "o" },
      "block-size": { type: "string" },
      force: { type: "boolean" },
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
      blockSize > limits.fileDeltaBlockSizeBytesMax
    ) {
      throw new UsageError(
        `--block-size must be an integer in ${limits.blockSizeBytesMin}..` +
          `${limits.fileDeltaBlockSizeBytesMax}, got ${values["block-size"]}`,
      );
    }
    const startMs = performance.now();
    const force = values.force === true;
    const result = await withSignalCleanup((signal) =>
      sub === "encode"
        ? encodeFileDelta({
            oldPath: first,
            newPath: second,
            outPath: values.output as string,
            blockSizeBytes: blockSize,
            force,
            signal,
          })
        : applyFileDelta({
            oldPath: first,
            deltaPath: second,
            outPath: values.output as string,
            force,
            signal,
          }),
    );
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
