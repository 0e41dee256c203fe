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
import { OldWindows, PositionalFile, writeAtomically } from "./file-io.ts";

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
  /** Default limits.blockSizeBytes (4 MiB); blockSizeBytesMin..blockSizeBytesMax. */
  readonly blockSizeBytes?: number;
}

export interface ApplyFileOptions {
  readonly oldPath: string;
  readonly deltaPath: string;
  readonly outPath: string;
}

function checkBlockSize(blockSize: number): void {
  if (
    !Number.isInteger(blockSize) ||
    blockSize < limits.blockSizeBytesMin ||
    blockSize > limits.blockSizeBytesMax
  ) {
    throw new SyncbenchError(
      "DELTA_OPTIONS_INVALID",
      `the block size must be an integer in ` +
        `${limits.blockSizeBytesMin}..${limits.blockSizeBytesMax} B, got ${blockSize}; nothing ` +
        `was written`,
    );
  }
}

/** Writes to outPath a delta that turns oldPath into newPath. */
export function encodeFileDelta(options: EncodeFileOptions): FileDeltaStats {
  const blockSize = options.blockSizeBytes ?? limits.blockSizeBytes;
  checkBlockSize(blockSize);
  const oldFile = new PositionalFile(options.oldPath);
  const source = new PositionalFile(options.newPath);
  try {
    const windows = new OldWindows(oldFile, blockSize);
    const blockCount = blockCountOf(source.size, blockSize);
    const bytesOut = writeAtomically(options.outPath, (append) => {
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
      }
      append(writeTrailer(windows.finish(), newHash.digestBytes()));
    });
    return { bytesIn: source.size, bytesOut, blockCount };
  } finally {
    oldFile.close();
    source.close();
  }
}

/** Rebuilds NEW at outPath from oldPath and the delta at deltaPath; writes nothing on error. */
export function applyFileDelta(options: ApplyFileOptions): FileDeltaStats {
  const oldFile = new PositionalFile(options.oldPath);
  const source = new PositionalFile(options.deltaPath);
  try {
    let blockCount = 0;
    const bytesOut = writeAtomically(options.outPath, (append) => {
      applyFrames(oldFile, source, (b) => {
        blockCount++;
        append(b);
      });
    });
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

function applyFrames(
  oldFile: PositionalFile,
  delta: PositionalFile,
  append: (b: Uint8Array) => void,
): void {
  const head = readFileHeader(delta.read(0, 64), limits);
  const { blockSizeBytes: blockSize, oldLength, newLength } = head.header;
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
  const windows = new OldWindows(oldFile, blockSize);
  const newHash = new Sha256Stream();
  let pos = head.headerBytes;
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
