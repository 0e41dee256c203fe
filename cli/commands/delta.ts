// `syncbench delta encode OLD NEW -o DELTA` and `syncbench delta apply OLD DELTA -o NEW`: whole
// files of any size, streamed block by block (block i of NEW against OLD blocks i-1..i+1), in the
// file container of reference-impl/core/DELTA-FORMAT.md. Output goes to a temporary file in the
// same folder and is renamed into place only when everything checked out.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import {
  applyBlockFrame, blockCountOf, blockLengthOf, concatBlocks, encodeBlockFrame, frameBytesMin,
  frameHeaderBytesMax, readFrameHeader, readTrailer, sameBytes, trailerBytes, windowRange,
  writeTrailer,
} from "../../reference-impl/core/delta-file.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { Sha256Stream } from "../../reference-impl/core/hash.ts";
import * as limits from "../../reference-impl/core/limits.ts";
import { deltaError, readFileHeader, writeFileHeader } from "../../reference-impl/core/wire.ts";

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

/** An open file read by absolute position; reads past the end come back short. */
class PositionalFile {
  readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    this.fd = openInput(path);
    this.size = fstatSync(this.fd).size;
  }

  read(position: number, length: number): Uint8Array {
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function openInput(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new SyncbenchError("DELTA_INPUT_UNREADABLE", `cannot open ${path}: ${code}`,
      { cause: error, hint: "check the path and its permissions" });
  }
}

/** OLD blocks i-1..i+1 as one window; hashes OLD in order as its blocks are first loaded. */
class OldWindows {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly hash = new Sha256Stream();
  private hashedCount = 0;
  readonly blockCount: number;

  constructor(private readonly file: PositionalFile, private readonly blockSize: number) {
    this.blockCount = blockCountOf(file.size, blockSize);
  }

  private block(index: number): Uint8Array {
    const cached = this.cache.get(index);
    if (cached) return cached;
    const bytes = this.file.read(index * this.blockSize, this.blockSize);
    if (index === this.hashedCount) {
      this.hash.update(bytes);
      this.hashedCount++;
    }
    this.cache.set(index, bytes);
    return bytes;
  }

  window(blockIndex: number): Uint8Array {
    const { first, end } = windowRange(blockIndex, this.blockCount);
    for (const key of this.cache.keys()) if (key < first) this.cache.delete(key);
    const blocks: Uint8Array[] = [];
    for (let k = first; k < end; k++) blocks.push(this.block(k));
    return concatBlocks(blocks);
  }

  /** SHA-256 of the whole OLD file, reading the blocks no window needed. */
  finish(): Uint8Array {
    for (; this.hashedCount < this.blockCount; this.hashedCount++) {
      this.hash.update(this.file.read(this.hashedCount * this.blockSize, this.blockSize));
    }
    return this.hash.digestBytes();
  }
}

/** Runs `write` against a temporary file beside `path`; renames it into place on success. */
function writeAtomically(path: string, write: (append: (b: Uint8Array) => void) => void): number {
  const tmp = join(dirname(path), `.${basename(path)}.syncbench-${process.pid}.tmp`);
  const fd = openSync(tmp, "w", 0o644);
  let written = 0;
  try {
    write((bytes) => {
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      written += bytes.length;
    });
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  renameSync(tmp, path);
  return written;
}

function encodeFiles(oldPath: string, newPath: string, outPath: string, blockSize: number) {
  const oldFile = new PositionalFile(oldPath);
  const newFile = new PositionalFile(newPath);
  try {
    const windows = new OldWindows(oldFile, blockSize);
    const blockCount = blockCountOf(newFile.size, blockSize);
    const bytesOut = writeAtomically(outPath, (append) => {
      append(writeFileHeader({ blockSizeBytes: blockSize, oldLength: oldFile.size,
        newLength: newFile.size }));
      const newHash = new Sha256Stream();
      for (let i = 0; i < blockCount; i++) {
        const block = newFile.read(i * blockSize, blockSize);
        newHash.update(block);
        append(encodeBlockFrame(windows.window(i), block));
      }
      append(writeTrailer(windows.finish(), newHash.digestBytes()));
    });
    return { bytesIn: newFile.size, bytesOut, blockCount };
  } finally {
    oldFile.close();
    newFile.close();
  }
}

function mismatch(what: string): SyncbenchError {
  return deltaError("DELTA_SOURCE_MISMATCH", `${what}; nothing was written`,
    "apply the delta to the OLD file it was encoded against");
}

function applyFrames(oldFile: PositionalFile, delta: PositionalFile,
  append: (b: Uint8Array) => void): number {
  const head = readFileHeader(delta.read(0, 64), limits);
  const { blockSizeBytes: blockSize, oldLength, newLength } = head.header;
  if (oldLength !== oldFile.size) {
    throw mismatch(`OLD is ${oldFile.size} B but the delta was made against a ${oldLength} B file`);
  }
  const blockCount = blockCountOf(newLength, blockSize);
  const bytesNeeded = head.headerBytes + blockCount * frameBytesMin + trailerBytes;
  if (bytesNeeded > delta.size) {
    throw deltaError("DELTA_TRUNCATED", `delta declares a ${newLength} B file in ${blockCount} ` +
      `blocks, which needs at least ${bytesNeeded} B, but holds ${delta.size} B`);
  }
  const windows = new OldWindows(oldFile, blockSize);
  const newHash = new Sha256Stream();
  let pos = head.headerBytes;
  for (let i = 0; i < blockCount; i++) {
    const lengthBytes = blockLengthOf(i, newLength, blockSize);
    const frame = readFrameHeader(delta.read(pos, frameHeaderBytesMax), i, lengthBytes);
    pos += frame.headerBytes;
    const body = delta.read(pos, frame.deltaBytes);
    if (body.length !== frame.deltaBytes) {
      throw deltaError("DELTA_TRUNCATED", `block ${i} delta ends after ${body.length} of ` +
        `${frame.deltaBytes} B`);
    }
    pos += frame.deltaBytes;
    const out = applyBlockFrame(windows.window(i), body, { blockIndex: i, lengthBytes,
      sha256: frame.sha256 });
    newHash.update(out);
    append(out);
  }
  checkTrailer(delta, pos, windows.finish(), newHash.digestBytes());
  return delta.size;
}

function checkTrailer(delta: PositionalFile, pos: number, oldSha: Uint8Array, newSha: Uint8Array) {
  if (delta.size - pos > trailerBytes) {
    throw deltaError("DELTA_TRAILING_BYTES", `delta has ${delta.size - pos - trailerBytes} B ` +
      `after its trailer`);
  }
  const trailer = readTrailer(delta.read(pos, trailerBytes));
  if (!sameBytes(trailer.oldSha256, oldSha)) {
    throw mismatch("OLD has the recorded length but not the recorded SHA-256");
  }
  if (!sameBytes(trailer.newSha256, newSha)) {
    throw deltaError("CHUNK_HASH_MISMATCH", "the rebuilt file's SHA-256 differs from the one " +
      "recorded in the delta; nothing was written");
  }
}

function applyFiles(oldPath: string, deltaPath: string, outPath: string) {
  const oldFile = new PositionalFile(oldPath);
  const delta = new PositionalFile(deltaPath);
  try {
    let blockCount = 0;
    const bytesOut = writeAtomically(outPath, (append) => {
      applyFrames(oldFile, delta, (b) => {
        blockCount++;
        append(b);
      });
    });
    return { bytesIn: delta.size, bytesOut, blockCount };
  } finally {
    oldFile.close();
    delta.close();
  }
}

function report(ctx: CliContext, verb: string, json: boolean, outPath: string,
  result: { bytesIn: number; bytesOut: number; blockCount: number }, ms: number): void {
  const stats = { ...result, ms: Math.round(ms * 10) / 10 };
  if (json) {
    ctx.out(JSON.stringify(stats));
    return;
  }
  ctx.out(`${verb} ${result.blockCount} block(s): ${result.bytesIn} B in, ${result.bytesOut} B ` +
    `out, ${stats.ms} ms -> ${outPath}`);
}

export const command: Command = {
  summary: "encode or apply a block delta between two files (xdelta-like)",
  help,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, { ...commonOptions,
      output: { type: "string", short: "o" }, "block-size": { type: "string" } });
    const [sub, first, second, ...extra] = positionals;
    if ((sub !== "encode" && sub !== "apply") || !first || !second || extra.length > 0) {
      throw new UsageError("expected `delta encode OLD NEW -o DELTA` or `delta apply OLD DELTA -o NEW`");
    }
    if (!values.output) throw new UsageError(`delta ${sub} needs -o PATH`);
    const blockSize = Number(values["block-size"] ?? limits.blockSizeBytes);
    if (sub === "apply" && values["block-size"] !== undefined) {
      throw new UsageError("--block-size applies to encode only: apply reads it from the delta");
    }
    if (!Number.isInteger(blockSize) || blockSize < limits.blockSizeBytesMin ||
      blockSize > limits.blockSizeBytesMax) {
      throw new UsageError(`--block-size must be an integer in ${limits.blockSizeBytesMin}..` +
        `${limits.blockSizeBytesMax}, got ${values["block-size"]}`);
    }
    const startMs = performance.now();
    const result = sub === "encode" ? encodeFiles(first, second, values.output, blockSize)
      : applyFiles(first, second, values.output);
    report(ctx, sub === "encode" ? "encoded" : "applied", values.json === true, values.output,
      result, performance.now() - startMs);
    return 0;
  },
};
