// File access for whole-file deltas (file-delta.ts): positional reads of OLD, NEW and the delta
// (regular files only), the sliding window of OLD blocks i-1..i+1 (hashing OLD as it goes), and an
// output that appears only when the whole operation succeeded: a temporary file with an
// unpredictable name created with O_EXCL beside it, renamed into place at the end, removed on
// error and by `removeTempFiles` (the CLI calls it on SIGINT/SIGTERM). Every failure of the file
// system becomes a coded SyncbenchError (DELTA_INPUT_*, IO_*).
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statfsSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { blockCountOf, concatBlocks, windowRange } from "../core/delta-file.ts";
import { SyncbenchError } from "../core/errors.ts";
import { Sha256Stream } from "../core/hash.ts";

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? "EIO";
}

/** An open regular file read by absolute position; reads past the end come back short. */
export class PositionalFile {
  readonly fd: number;
  readonly size: number;

  /** `role` names the file in messages: "OLD", "NEW", "the delta". */
  constructor(
    readonly path: string,
    readonly role = "input",
  ) {
    this.fd = openInput(path);
    const stats = fstatSync(this.fd);
    if (!stats.isFile()) {
      closeSync(this.fd);
      throw new SyncbenchError(
        "DELTA_INPUT_NOT_FILE",
        `${role} ${path} is ${kindOf(stats)}, not a regular file; nothing was written`,
        { hint: "pass the path of a file" },
      );
    }
    this.size = stats.size;
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

function kindOf(stats: {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a regular file";
}

function openInput(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new SyncbenchError("DELTA_INPUT_UNREADABLE", `cannot open ${path}: ${errnoOf(error)}`, {
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

/** Temporary outputs not yet renamed into place, for removeTempFiles. */
const liveTempPaths = new Set<string>();

/**
 * Removes every temporary output of this process that is not yet in place, synchronously (safe
 * in a signal handler); the write that owned one fails at its next check of `signal`.
 */
export function removeTempFiles(): string[] {
  const removed = [...liveTempPaths];
  for (const tmp of removed) rmSync(tmp, { force: true });
  liveTempPaths.clear();
  return removed;
}

/**
 * Refuses an output path that exists and is not a regular file (a symbolic link, device, FIFO or
 * directory is never replaced), or is a regular file and `force` is not set, and an output folder
 * that does not exist. Symbolic links are not followed.
 */
export function checkOutputPath(path: string, force: boolean): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) !== "ENOENT") throw ioError(error, `cannot inspect the output ${path}`);
    checkOutputFolder(path);
    return;
  }
  if (!stats.isFile()) {
    throw new SyncbenchError(
      "IO_OUTPUT_NOT_FILE",
      `the output ${path} exists and is ${kindOf(stats)}; it was left as it is and nothing was ` +
        `written`,
      { hint: "name a new file, or a regular file with --force" },
    );
  }
  if (!force) {
    throw new SyncbenchError(
      "IO_OUTPUT_EXISTS",
      `the output ${path} exists; it was left as it is and nothing was written`,
      { hint: "pass --force to replace a regular file, or name a new file" },
    );
  }
}

function checkOutputFolder(path: string): void {
  const folder = dirname(path);
  let stats;
  try {
    stats = lstatSync(folder);
  } catch (error) {
    if (errnoOf(error) !== "ENOENT" && errnoOf(error) !== "ENOTDIR") {
      throw ioError(error, `cannot inspect the output folder ${folder}`);
    }
    throw new SyncbenchError(
      "IO_OUTPUT_FOLDER_MISSING",
      `the output folder ${folder} does not exist; nothing was written`,
      { hint: "create the folder first" },
    );
  }
  if (!stats.isDirectory()) {
    throw new SyncbenchError(
      "IO_OUTPUT_FOLDER_MISSING",
      `the output folder ${folder} is ${kindOf(stats)}, not a folder; nothing was written`,
    );
  }
}

/** Free bytes for an unprivileged writer on the file system that holds `path`'s folder. */
export function freeBytesAt(path: string): number {
  try {
    const s = statfsSync(dirname(path));
    return s.bavail * s.bsize;
  } catch (error) {
    throw ioError(error, `cannot read the free space of ${dirname(path)}`);
  }
}

/** Maps a file system error to a coded one: IO_DISK_FULL, IO_PERMISSION_DENIED, IO_FAILED. */
export function ioError(error: unknown, what: string): SyncbenchError {
  if (error instanceof SyncbenchError) return error;
  const errno = errnoOf(error);
  if (errno === "ENOSPC" || errno === "EDQUOT") {
    return new SyncbenchError(
      "IO_DISK_FULL",
      `${what}: the disk is full (${errno}); nothing ` + `was written`,
      { cause: error, hint: "free some space or write elsewhere" },
    );
  }
  if (errno === "EACCES" || errno === "EPERM" || errno === "EROFS") {
    return new SyncbenchError("IO_PERMISSION_DENIED", `${what}: ${errno}; nothing was written`, {
      cause: error,
    });
  }
  return new SyncbenchError("IO_FAILED", `${what}: ${errno}; nothing was written`, {
    cause: error,
  });
}

/**
 * Runs `write` against a new temporary file beside `path` (unpredictable name, O_EXCL, mode
 * 0600) and renames it into place once `write` returns; on any error, or when `signal` aborts,
 * the temporary file is removed and the error is thrown with a code. `write` awaits `pause`
 * between blocks so that signals are handled while a large file is written.
 */
export async function writeAtomically(
  path: string,
  write: (append: (b: Uint8Array) => void, pause: () => Promise<void>) => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.syncbench-${randomBytes(9).toString("base64url")}.tmp`,
  );
  let fd: number;
  try {
    fd = openSync(tmp, "wx", 0o600);
  } catch (error) {
    throw ioError(error, `cannot create a temporary file beside ${path}`);
  }
  liveTempPaths.add(tmp);
  let written = 0;
  const pause = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      throw new SyncbenchError(
        "IO_INTERRUPTED",
        `interrupted while writing ${path} ` +
          `(${String(signal.reason)}); the partial output was removed`,
      );
    }
  };
  try {
    try {
      await write((bytes) => {
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
        written += bytes.length;
      }, pause);
      await pause();
      fchmodSync(fd, 0o644);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    liveTempPaths.delete(tmp);
  } catch (error) {
    rmSync(tmp, { force: true });
    liveTempPaths.delete(tmp);
    const isErrno = typeof (error as NodeJS.ErrnoException).code === "string";
    if (error instanceof SyncbenchError || !isErrno) throw error;
    throw ioError(error, `cannot write ${path}`);
  }
  return written;
}
