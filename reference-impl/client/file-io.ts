// File access for whole-file deltas (file-delta.ts): positional reads of OLD, NEW and the delta,
// the sliding window of OLD blocks i-1..i+1 (hashing OLD as it goes), and an output that appears
// only when the whole operation succeeded (a temporary file beside it, then rename).
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { blockCountOf, concatBlocks, windowRange } from "../core/delta-file.ts";
import { SyncbenchError } from "../core/errors.ts";
import { Sha256Stream } from "../core/hash.ts";

/** An open file read by absolute position; reads past the end come back short. */
export class PositionalFile {
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
    throw new SyncbenchError("DELTA_INPUT_UNREADABLE", `cannot open ${path}: ${code}`, {
      cause: error,
      hint: "check the path and its permissions",
    });
  }
}

/** OLD blocks i-1..i+1 as one window; hashes OLD in order as its blocks are first loaded. */
export class OldWindows {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly hash = new Sha256Stream();
  private hashedCount = 0;
  readonly blockCount: number;

  constructor(
    private readonly file: PositionalFile,
    private readonly blockSize: number,
  ) {
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
export function writeAtomically(
  path: string,
  write: (append: (b: Uint8Array) => void) => void,
): number {
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
