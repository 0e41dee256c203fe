// Every size the delta engine fixes, in one place, with the relations between them asserted once
// when the module loads (the stand-in for TigerBeetle's comptime checks in constants.zig).
// The decoder checks incoming data against these bounds before it allocates or copies anything.

import { blockSizeBytes } from "./design-figures.ts";

/** The content-addressed unit of the design: 4 MiB, one of the design's figures. */
export { blockSizeBytes };
/** The largest block size a caller may choose (CLI --block-size, tests). */
export const blockSizeBytesMax = 64 * 1024 * 1024;
/** The smallest block size a caller may choose; keeps block counts of large files bounded. */
export const blockSizeBytesMin = 4 * 1024;
/** Old blocks i-1, i and i+1 form the source window of new block i. */
export const sourceWindowBlockCount = 3;

/** Block delta header: magic, version/mode, target length as a varint (at most 5 bytes). */
export const deltaHeaderBytesMax = 7;
/** Raw mode stores the target as is: at most this many bytes more than the block. */
export const deltaRawOverheadBytesMax = 16;

/** Unsigned varints in a block delta carry at most 32 bits, so at most 5 bytes. */
export const varintBytesMax = 5;
/** File-level varints (file lengths) carry at most 53 bits, so at most 8 bytes. */
export const varint53BytesMax = 8;

/** Hash window of the matcher: matches are found by 8-byte fingerprints. */
export const matchHashBytes = 8;
/** OLD is indexed every this many bytes; any match of step + hash - 1 bytes is found. */
export const indexStepBytes = 16;
/**
 * A source wider than one block (old blocks i-1..i+1) is indexed this sparsely: any match of
 * step + hash - 1 = 39 bytes is still found, and its index costs what one block's does.
 */
export const indexStepBytesWide = 32;
/** At most this many candidates are compared per probe: keeps unrelated input linear. */
export const chainCandidatesMax = 4;
/**
 * Probing accelerates over unmatched bytes up to this stride (backward extension recovers).
 * Coprime with `indexStepBytes`: a stride equal to the step kept one phase and never met an
 * indexed position of a match that starts after a long unmatched run.
 */
export const probeStrideMax = 15;
/** Copies that need an explicit source offset must save at least this many bytes. */
export const explicitCopyBytesMin = 16;
/** Copies that resume at a cached offset cost one opcode byte; shorter ones go as literals. */
export const resumeCopyBytesMin = 4;

/** Bodies shorter than this are never compressed: deflate's framing eats the gain. */
export const compressBodyBytesMin = 48;

function assertLimit(condition: boolean, message: string): void {
  if (!condition) throw new Error(`limits.ts invariant violated: ${message}`);
}

assertLimit(blockSizeBytes % indexStepBytes === 0, "blockSizeBytes % indexStepBytes === 0");
assertLimit(blockSizeBytesMax * sourceWindowBlockCount < 2 ** 31, "source window fits int32");
assertLimit(blockSizeBytesMin <= blockSizeBytes && blockSizeBytes <= blockSizeBytesMax,
  "blockSizeBytesMin <= blockSizeBytes <= blockSizeBytesMax");
assertLimit(deltaHeaderBytesMax <= deltaRawOverheadBytesMax, "raw header within raw overhead");
assertLimit(indexStepBytes % probeStrideMax !== 0 && probeStrideMax % 2 === 1,
  "the top probe stride visits every phase of the index step");
assertLimit(indexStepBytesWide % 16 === 0 && indexStepBytesWide % probeStrideMax !== 0,
  "the wide index step keeps word-aligned fingerprints and every probe phase");
assertLimit(matchHashBytes <= explicitCopyBytesMin, "explicit copies are at least one hash");
assertLimit(resumeCopyBytesMin >= 4, "copy lengths are coded as length - 3 (0 means to end)");

/** The largest block delta the decoder accepts for a target of `targetBytes`. */
export function blockDeltaBytesMax(targetBytes: number): number {
  return targetBytes + deltaRawOverheadBytesMax;
}

/**
 * The largest decompressed body a block delta may declare: each literal byte costs at most
 * 1 byte plus its ADD header, each copy produces at least 4 bytes for at most 11 bytes.
 */
export function deltaBodyBytesMax(targetBytes: number): number {
  return 3 * targetBytes + 64;
}

// Whole-file deltas (`syncbench delta`, reference-impl/client/file-delta.ts): what apply checks
// in the untrusted header, and what both directions check on the files, before allocating or
// writing anything (issue 21).

/**
 * The largest block size a whole-file delta may use or declare. Apply holds about five blocks at
 * once (three OLD blocks, their concatenation's copy, the rebuilt block): 16 MiB keeps that near
 * 80 MiB, where a declared 64 MiB block cost 1 GB before the block was rejected.
 */
export const fileDeltaBlockSizeBytesMax = 16 * 1024 * 1024;
/** The largest OLD file encode or apply reads (1 TiB). */
export const fileDeltaOldBytesMax = 2 ** 40;
/** The largest NEW file encode reads and apply writes (1 TiB); apply refuses a larger one. */
export const fileDeltaNewBytesMax = 2 ** 40;
/** Apply leaves at least this much free on the output's disk after writing NEW. */
export const fileDeltaDiskReserveBytesMin = 16 * 1024 * 1024;

assertLimit(blockSizeBytesMin <= blockSizeBytes && blockSizeBytes <= fileDeltaBlockSizeBytesMax,
  "the design's block size is a valid whole-file delta block size");
assertLimit(fileDeltaBlockSizeBytesMax <= blockSizeBytesMax,
  "whole-file blocks stay within the block delta's source window bound");
assertLimit(
  Number.isSafeInteger(fileDeltaOldBytesMax) && Number.isSafeInteger(fileDeltaNewBytesMax),
  "file lengths fit a varint53",
);
