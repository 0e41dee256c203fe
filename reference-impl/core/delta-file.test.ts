// Unit tests of the file container's pure parts: source windows, frames that round-trip a
// multi-block file whose edit crosses block boundaries, and frame checks that catch corruption.
import { describe, expect, it } from "vitest";
import {
  applyBlockFrame,
  blockCountOf,
  blockLengthOf,
  concatBlocks,
  encodeBlockFrame,
  readFrameHeader,
  windowRange,
} from "./delta-file.ts";
import { Rng } from "./random.ts";
import { isSyncbenchError } from "./errors.ts";

const blockSize = 8192;

function blocksOf(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += blockSize) out.push(bytes.subarray(at, at + blockSize));
  return out;
}

function roundTripFile(oldFile: Uint8Array, newFile: Uint8Array): number {
  const oldBlocks = blocksOf(oldFile);
  const count = blockCountOf(newFile.length, blockSize);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const { first, end } = windowRange(i, oldBlocks.length);
    const window = concatBlocks(oldBlocks.slice(first, end));
    const frame = encodeBlockFrame(window, newFile.subarray(i * blockSize, (i + 1) * blockSize));
    total += frame.length;
    const head = readFrameHeader(frame, i, blockLengthOf(i, newFile.length, blockSize));
    const delta = frame.subarray(head.headerBytes, head.headerBytes + head.deltaBytes);
    parts.push(
      applyBlockFrame(window, delta, {
        blockIndex: i,
        lengthBytes: blockLengthOf(i, newFile.length, blockSize),
        sha256: head.sha256,
      }),
    );
  }
  expect(Buffer.concat(parts).equals(Buffer.from(newFile))).toBe(true);
  return total;
}

describe("file container frames", () => {
  it("windows are blocks i-1..i+1 clipped to the old file", () => {
    expect(windowRange(0, 5)).toEqual({ first: 0, end: 2 });
    expect(windowRange(4, 5)).toEqual({ first: 3, end: 5 });
    expect(windowRange(7, 5)).toEqual({ first: 6, end: 6 });
    expect(windowRange(0, 0)).toEqual({ first: 0, end: 0 });
  });

  it("an insert near the start shifts every block yet costs little", () => {
    const rng = new Rng(1);
    const oldFile = rng.bytes(5 * blockSize + 123);
    const newFile = Buffer.concat([
      oldFile.subarray(0, 100),
      rng.bytes(300),
      oldFile.subarray(100),
    ]);
    const total = roundTripFile(oldFile, new Uint8Array(newFile));
    expect(total).toBeLessThan(300 + 6 * 60);
  });

  it("round-trips empty, shorter and longer new files", () => {
    const rng = new Rng(2);
    const oldFile = rng.bytes(3 * blockSize);
    roundTripFile(oldFile, new Uint8Array(0));
    roundTripFile(oldFile, oldFile.subarray(0, blockSize + 1));
    roundTripFile(oldFile, new Uint8Array(Buffer.concat([oldFile, rng.bytes(2 * blockSize)])));
    roundTripFile(new Uint8Array(0), rng.bytes(blockSize * 2 + 5));
  });

  it("a corrupted frame fails its SHA-256 or its decoder with a code", () => {
    const rng = new Rng(3);
    const oldBlock = rng.bytes(blockSize);
    const newBlock = oldBlock.slice();
    newBlock.set(rng.bytes(64), 1000);
    const frame = encodeBlockFrame(oldBlock, newBlock);
    const head = readFrameHeader(frame, 0, blockSize);
    const delta = frame.slice(head.headerBytes);
    const at = delta.length - 40;
    delta[at] = (delta[at] as number) ^ 1;
    try {
      applyBlockFrame(oldBlock, delta, {
        blockIndex: 0,
        lengthBytes: blockSize,
        sha256: head.sha256,
      });
      expect.unreachable();
    } catch (error) {
      expect(isSyncbenchError(error)).toBe(true);
    }
  });
});
