// Whole-file block deltas, the library behind `syncbench delta encode|apply` and the coming sync
// client: files of any size, streamed block by block (block i of NEW against OLD blocks
// i-1..i+1), in the file container of reference-impl/core/DELTA-FORMAT.md. The output goes to a
// temporary file in the same folder and is renamed into place only when everything checked out.
// Errors are SyncbenchErrors whose codes are listed in DELTA-FORMAT.md (DELTA_*, CHUNK_*).
import {
  applyBlockFrame,
  blockCountOf,
  blockLengthOf,
  encodeBlockFrame,
  frameBytesMin,
  frameHeaderBytesMax,
  readFrameHeader,
  readTrailer,
  sameBytes,
  trailerBytes,
  writeTrailer,
} from "../core/delta-file.ts";
import { SyncbenchError } from "../core/errors.ts";
import { Sha256Stream } from "../core/hash.ts";
import * as limits from "../core/limits.ts";
import { deltaError, readFileHeader, writeFileHeader } from "../core/wire.ts";
import {
  checkOutputPath,
  freeBytesAt,
  OldWindows,
  PositionalFile,
  writeAtomically,
} from "./file-io.ts";

/** What one encode or apply read and wrote. */
export interface FileDeltaStats {
  /** Bytes of NEW (encode) or of the delta (apply). */
  readonly bytesIn: number;
  /** Bytes of the delta (encode) or of the rebuilt NEW (apply). */
  readonly bytesOut: number;
  readonly blockCount: number;
}

export interface EncodeFileOptions {
  readonly oldPath: string;
  readonly newPath: string;
  readonly outPath: string;
  /** Default limits.blockSizeBytes (4 MiB); blockSizeBytesMin..fileDeltaBlockSizeBytesMax. */
  readonly blockSizeBytes?: number;
  /** Replace outPath when it is an existing regular file (never anything else). */
  readonly force?: boolean;
  /** Aborting removes the temporary output and fails with IO_INTERRUPTED. */
  readonly signal?: AbortSignal;
}

export interface ApplyFileOptions {
  readonly oldPath: string;
  readonly deltaPath: string;
  readonly outPath: string;
  /** Replace outPath when it is an existing regular file (never anything else). */
  readonly force?: boolean;
  /** Aborting removes the temporary output and fails with IO_INTERRUPTED. */
  readonly signal?: AbortSignal;
}

/** Bounds of the whole-file container, as readFileHeader takes them. */
const fileHeaderLimits = {
  blockSizeBytesMin: limits.blockSizeBytesMin,
  blockSizeBytesMax: limits.fileDeltaBlockSizeBytesMax,
};

function checkBlockSize(blockSize: number): void {
  if (
    !Number.isInteger(blockSize) ||
    blockSize < limits.blockSizeBytesMin ||
    blockSize > limits.fileDeltaBlockSizeBytesMax
  ) {
    throw new SyncbenchError(
      "DELTA_OPTIONS_INVALID",
      `the block size must be an integer in ` +
        `${limits.blockSizeBytesMin}..${limits.fileDeltaBlockSizeBytesMax} B, got ${blockSize}; ` +
        `nothing was written`,
    );
  }
}

function checkInputSize(file: PositionalFile, max: number): void {
  if (file.size > max) {
    throw new SyncbenchError(
      "DELTA_INPUT_TOO_LARGE",
      `${file.role} ${file.path} holds ${file.size} B, above the limit of ${max} B; nothing ` +
        `was written`,
    );
  }
}

/** Opens the inputs in order, closing those already open when one is refused. */
function openAll(inputs: ReadonlyArray<[string, string]>): PositionalFile[] {
  const files: PositionalFile[] = [];
  try {
    for (const [path, role] of inputs) files.push(new PositionalFile(path, role));
  } catch (error) {
    for (const f of files) f.close();
    throw error;
  }
  return files;
}

/** Writes to outPath a delta that turns oldPath into newPath. */
export async function encodeFileDelta(options: EncodeFileOptions): Promise<FileDeltaStats> {
  const blockSize = options.blockSizeBytes ?? limits.blockSizeBytes;
  checkBlockSize(blockSize);
  const [oldFile, source] = openAll([
    [options.oldPath, "OLD"],
    [options.newPath, "NEW"],
  ]) as [PositionalFile, PositionalFile];
  try {
    checkInputSize(oldFile, limits.fileDeltaOldBytesMax);
    checkInputSize(source, limits.fileDeltaNewBytesMax);
    checkOutputPath(options.outPath, options.force === true);
    const windows = new OldWindows(oldFile, blockSize);
    const blockCount = blockCountOf(source.size, blockSize);
    const bytesOut = await writeAtomically(
      options.outPath,
      async (append, pause) => {
        append(
          writeFileHeader({
            blockSizeBytes: blockSize,
            oldLength: oldFile.size,
            newLength: source.size,
          }),
        );
        const newHash = new Sha256Stream();
        for (let i = 0; i < blockCount; i++) {
          const block = source.read(i * blockSize, blockSize);
          newHash.update(block);
          append(encodeBlockFrame(windows.window(i), block));
          await pause();
        }
        append(writeTrailer(windows.finish(), newHash.digestBytes()));
      },
      options.signal,
    );
    return { bytesIn: source.size, bytesOut, blockCount };
  } finally {
    oldFile.close();
    source.close();
  }
}

/**
 * Rebuilds NEW at outPath from oldPath and the delta at deltaPath; writes nothing on error. The
 * header's block size and lengths, OLD's size and the free disk are checked before anything is
 * allocated or written.
 */
export async function applyFileDelta(options: ApplyFileOptions): Promise<FileDeltaStats> {
  const [oldFile, source] = openAll([
    [options.oldPath, "OLD"],
    [options.deltaPath, "the delta"],
  ]) as [PositionalFile, PositionalFile];
  try {
    checkInputSize(oldFile, limits.fileDeltaOldBytesMax);
    const plan = planApply(oldFile, source);
    checkOutputPath(options.outPath, options.force === true);
    const freeBytes = freeBytesAt(options.outPath);
    const neededBytes = plan.newLength + limits.fileDeltaDiskReserveBytesMin;
    if (freeBytes < neededBytes) {
      throw new SyncbenchError(
        "IO_DISK_FULL",
        `NEW needs ${plan.newLength} B plus a reserve of ${limits.fileDeltaDiskReserveBytesMin} ` +
          `B, but the disk of ${options.outPath} has ${freeBytes} B free; nothing was written`,
        { hint: "free some space or write elsewhere" },
      );
    }
    let blockCount = 0;
    const bytesOut = await writeAtomically(
      options.outPath,
      (append, pause) =>
        applyFrames(oldFile, source, plan, pause, (b) => {
          blockCount++;
          append(b);
        }),
      options.signal,
    );
    return { bytesIn: source.size, bytesOut, blockCount };
  } finally {
    oldFile.close();
    source.close();
  }
}

function mismatch(what: string): SyncbenchError {
  return deltaError(
    "DELTA_SOURCE_MISMATCH",
    `${what}; nothing was written`,
    "apply the delta to the OLD file it was encoded against",
  );
}

interface ApplyPlan {
  readonly headerBytes: number;
  readonly blockSizeBytes: number;
  readonly newLength: number;
  readonly blockCount: number;
}

/** Reads and checks the header against the limits, OLD and the delta's size; allocates nothing. */
function planApply(oldFile: PositionalFile, delta: PositionalFile): ApplyPlan {
  const head = readFileHeader(delta.read(0, 64), fileHeaderLimits);
  const { blockSizeBytes: blockSize, oldLength, newLength } = head.header;
  if (newLength > limits.fileDeltaNewBytesMax) {
    throw deltaError(
      "DELTA_OUT_OF_RANGE",
      `delta declares a ${newLength} B NEW file, above the limit of ` +
        `${limits.fileDeltaNewBytesMax} B; nothing was written`,
    );
  }
  if (oldLength !== oldFile.size) {
    throw mismatch(`OLD is ${oldFile.size} B but the delta was made against a ${oldLength} B file`);
  }
  const blockCount = blockCountOf(newLength, blockSize);
  const bytesNeeded = head.headerBytes + blockCount * frameBytesMin + trailerBytes;
  if (bytesNeeded > delta.size) {
    throw deltaError(
      "DELTA_TRUNCATED",
      `delta declares a ${newLength} B file in ${blockCount} ` +
        `blocks, which needs at least ${bytesNeeded} B, but holds ${delta.size} B`,
    );
  }
  return { headerBytes: head.headerBytes, blockSizeBytes: blockSize, newLength, blockCount };
}

async function applyFrames(
  oldFile: PositionalFile,
  delta: PositionalFile,
  plan: ApplyPlan,
  pause: () => Promise<void>,
  append: (b: Uint8Array) => void,
): Promise<void> {
  const { blockSizeBytes: blockSize, newLength, blockCount } = plan;
  const windows = new OldWindows(oldFile, blockSize);
  const newHash = new Sha256Stream();
  let pos = plan.headerBytes;
  for (let i = 0; i < blockCount; i++) {
    const lengthBytes = blockLengthOf(i, newLength, blockSize);
    const frame = readFrameHeader(delta.read(pos, frameHeaderBytesMax), i, lengthBytes);
    pos += frame.headerBytes;
    const body = delta.read(pos, frame.deltaBytes);
    if (body.length !== frame.deltaBytes) {
      throw deltaError(
        "DELTA_TRUNCATED",
        `block ${i} delta ends after ${body.length} of ` + `${frame.deltaBytes} B`,
      );
    }
    pos += frame.deltaBytes;
    const out = applyBlockFrame(windows.window(i), body, {
      blockIndex: i,
      lengthBytes,
      sha256: frame.sha256,
    });
    newHash.update(out);
    append(out);
    await pause();
  }
  checkTrailer(delta, pos, windows.finish(), newHash.digestBytes());
}

function checkTrailer(delta: PositionalFile, pos: number, oldSha: Uint8Array, newSha: Uint8Array) {
  if (delta.size - pos > trailerBytes) {
    throw deltaError(
      "DELTA_TRAILING_BYTES",
      `delta has ${delta.size - pos - trailerBytes} B ` + `after its trailer`,
    );
  }
  const trailer = readTrailer(delta.read(pos, trailerBytes));
  if (!sameBytes(trailer.oldSha256, oldSha)) {
    throw mismatch("OLD has the recorded length but not the recorded SHA-256");
  }
  if (!sameBytes(trailer.newSha256, newSha)) {
    throw deltaError(
      "CHUNK_HASH_MISMATCH",
      "the rebuilt file's SHA-256 differs from the one " +
        "recorded in the delta; nothing was written",
    );
  }
}
