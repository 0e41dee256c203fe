// The file container of DELTA-FORMAT.md: a header, one frame per block of NEW (delta length,
// SHA-256 of the new block, block delta) and a trailer with the SHA-256 of OLD and NEW. Block i of
// NEW is encoded against OLD blocks i-1, i and i+1 laid end to end (an insert shifts content across
// a boundary). Pure: the CLI does the reading and writing and hands bytes to these functions.
import { applyDelta, encodeDelta } from "./delta.ts";
import { sha256Bytes } from "./hash.ts";
import * as limits from "./limits.ts";
import { ByteReader, ByteWriter, deltaError, sha256Bytes as digestBytes } from "./wire.ts";

/** A frame's fixed part is at most a 5-byte varint plus the 32-byte SHA-256. */
export const frameHeaderBytesMax = limits.varintBytesMax + digestBytes;
/** The smallest possible frame: 1-byte length, SHA-256, a 3-byte block delta. */
export const frameBytesMin = 1 + digestBytes + 3;
export const trailerBytes = 2 * digestBytes;

/** Old block indexes [first, end) that form the source window of new block `blockIndex`. */
export function windowRange(blockIndex: number, oldBlockCount: number) {
  const first = Math.max(0, blockIndex - 1);
  const end = Math.min(oldBlockCount, blockIndex + 2);
  return { first, end: Math.max(first, end) };
}

export function blockCountOf(lengthBytes: number, blockSizeBytes: number): number {
  return Math.ceil(lengthBytes / blockSizeBytes);
}

/** Length of new block `blockIndex` of a file of `lengthBytes`. */
export function blockLengthOf(blockIndex: number, lengthBytes: number, blockSize: number): number {
  return Math.min(blockSize, lengthBytes - blockIndex * blockSize);
}

export function concatBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  if (blocks.length === 1) return blocks[0] as Uint8Array;
  const total = blocks.reduce((sum, b) => sum + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** One frame: varint(delta length), SHA-256 of the new block, the block delta. */
export function encodeBlockFrame(window: Uint8Array, newBlock: Uint8Array): Uint8Array {
  const delta = encodeDelta(window, newBlock);
  const w = new ByteWriter(delta.length + frameHeaderBytesMax);
  w.varint(delta.length);
  w.bytes(sha256Bytes(newBlock));
  w.bytes(delta);
  return w.finish();
}

/** Parses a frame's fixed part from its first bytes; bounds the delta length by the block. */
export function readFrameHeader(head: Uint8Array, blockIndex: number, blockLength: number) {
  const r = new ByteReader(head, 0, `frame of block ${blockIndex}`);
  const deltaBytes = r.varint("the delta length");
  const deltaBytesMax = limits.blockDeltaBytesMax(blockLength);
  if (deltaBytes > deltaBytesMax) {
    throw deltaError(
      "DELTA_OUT_OF_RANGE",
      `block ${blockIndex} declares a ${deltaBytes} B delta ` +
        `for a ${blockLength} B block (at most ${deltaBytesMax} B)`,
    );
  }
  const sha256 = r.take(digestBytes, "the block SHA-256");
  return { deltaBytes, sha256, headerBytes: r.pos };
}

/** Rebuilds new block `blockIndex` and checks its length and SHA-256 against the frame. */
export function applyBlockFrame(
  window: Uint8Array,
  delta: Uint8Array,
  expected: { blockIndex: number; lengthBytes: number; sha256: Uint8Array },
): Uint8Array {
  const out = applyDelta(window, delta, { targetBytesMax: expected.lengthBytes });
  if (out.length !== expected.lengthBytes) {
    throw deltaError(
      "DELTA_OUT_OF_RANGE",
      `block ${expected.blockIndex} decodes to ` +
        `${out.length} B, expected ${expected.lengthBytes} B; nothing was written`,
    );
  }
  const actual = sha256Bytes(out);
  if (!actual.every((b, i) => expected.sha256[i] === b)) {
    throw deltaError(
      "CHUNK_HASH_MISMATCH",
      `block ${expected.blockIndex}: SHA-256 after ` +
        `applying the delta is ${hex(actual)}, expected ${hex(expected.sha256)}; nothing was written`,
      "the delta was made against a different OLD file, or it is corrupt",
    );
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function writeTrailer(oldSha256: Uint8Array, newSha256: Uint8Array): Uint8Array {
  const out = new Uint8Array(trailerBytes);
  out.set(oldSha256, 0);
  out.set(newSha256, digestBytes);
  return out;
}

export function readTrailer(bytes: Uint8Array) {
  if (bytes.length !== trailerBytes) {
    throw deltaError(
      "DELTA_TRUNCATED",
      `delta file trailer holds ${bytes.length} B, ` + `expected ${trailerBytes} B`,
    );
  }
  return { oldSha256: bytes.subarray(0, digestBytes), newSha256: bytes.subarray(digestBytes) };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => b[i] === v);
}
