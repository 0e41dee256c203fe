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
assertLimit(
  blockSizeBytesMin <= blockSizeBytes && blockSizeBytes <= blockSizeBytesMax,
  "blockSizeBytesMin <= blockSizeBytes <= blockSizeBytesMax",
);
assertLimit(deltaHeaderBytesMax <= deltaRawOverheadBytesMax, "raw header within raw overhead");
assertLimit(
  indexStepBytes % probeStrideMax !== 0 && probeStrideMax % 2 === 1,
  "the top probe stride visits every phase of the index step",
);
assertLimit(
  indexStepBytesWide % 16 === 0 && indexStepBytesWide % probeStrideMax !== 0,
  "the wide index step keeps word-aligned fingerprints and every probe phase",
);
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

// The API's limits: what one file, one request and one user may hold or send. The ChunkService
// checks each where data enters (a clear error with the code, the value seen and the limit), the
// gateway's client_max_body_size per route is rendered from the body sizes
// (reference-impl/edge/edge-limits.ts), and openapi.yaml states each one (a test compares them).
const mebibyte = 1024 * 1024;
/** Blocks of one file: 10,000 x 4 MiB = 40 GiB. */
const fileBlocksMax = 10_000;
export const apiLimits = {
  fileBlocksMax,
  /** A commit's `size`: at most fileBlocksMax full blocks (and it must equal its blocks' sum). */
  fileSizeBytesMax: fileBlocksMax * blockSizeBytes,
  /** Hashes in one upload-init or commit: one per block of the file. */
  hashListLengthMax: fileBlocksMax,
  /** A delta may name the old blocks i-1, i and i+1 as its source. */
  deltaBasesMax: sourceWindowBlockCount,
  /** A block delta: the block itself in raw mode plus its header (DELTA-FORMAT.md). */
  deltaBytesMax: blockDeltaBytesMax(blockSizeBytes),
  /** A bearer token's `sub` (the user id), characters. */
  userIdLengthMax: 256,
  /** How far ahead a bearer token's `exp` may lie (`syncbench token --ttl-s` allows as much). */
  tokenLifetimeSMax: 30 * 24 * 3600,
  /** A file path, UTF-8 bytes. */
  pathBytesMax: 4096,
  /** Possession proofs in one commit: each costs the server a 4 MiB read from the BlockStore. */
  proofsMax: 64,
  /** A possession challenge token as the commit sends it back. */
  proofTokenBytesMax: 1024,
  /** Request bodies per route; the gateway refuses larger ones with 413 before any upstream. */
  uploadInitBodyBytesMax: mebibyte,
  commitBodyBytesMax: mebibyte,
  blockBodyBytesMax: blockSizeBytes,
  deltaBodyBytesMax: blockDeltaBytesMax(blockSizeBytes),
  /**
   * An oversized body is read to its end and dropped before the 413 goes out (an answer while
   * the proxy is still sending makes it fail the server); beyond this many bytes it is cut off.
   */
  bodyDrainBytesMax: 8 * mebibyte,
  /** Requests of one user in progress at once, per ChunkService process (429 beyond). */
  userConnectionsMax: 64,
  /** Sustained requests per user per second, per ChunkService process (token bucket; 429). */
  userRequestsPerSMax: 200,
  /** The bucket's depth: a burst this large passes at once after an idle second or two. */
  userRequestsBurstMax: 400,
  /** Users whose bucket one process keeps; full (idle) buckets are dropped first. */
  rateLimitedUsersMax: 100_000,
} as const;

/**
 * Load shedding of one ChunkService process (issue 17): beyond these, a request is refused at
 * once with 503 SERVICE_OVERLOADED and Retry-After instead of waiting in an unbounded queue, so a
 * process offered twice its capacity keeps its latency and its memory flat
 * (services/chunk-service/admission-gate.ts; `npm run bench:overload` measures it).
 */
export const overloadLimits = {
  /**
   * Requests one process works on at once, all users together: about a second of work at the
   * ~8 block PUTs/s one process serves on a busy 2-core machine (bench:overload), so an admitted
   * request waits about a second, not the 16 s that 128 in progress had meant. It is below
   * userConnectionsMax: one user alone is held by this bound first.
   */
  processRequestsInFlightMax: 16,
  /** Body bytes (as declared by Content-Length) of the requests in progress, all together. */
  processBodyBytesInFlightMax: 32 * mebibyte,
  /** What a shed request is told to wait, seconds (Retry-After). */
  retryAfterS: 1,
  /** The longest Retry-After the client and the driver obey; a longer one is cut to this. */
  retryAfterMsMax: 30_000,
} as const;

/** The largest body of a route, by the route names of openapi.yaml's operations. */
export const routeBodyBytesMax = {
  uploadInit: apiLimits.uploadInitBodyBytesMax,
  commit: apiLimits.commitBodyBytesMax,
  blockPut: apiLimits.blockBodyBytesMax,
  blockDelta: apiLimits.deltaBodyBytesMax,
} as const;

/** A commit body at its limits: every hash quoted, the path escaped 6 bytes a byte, each proof. */
const commitBodyBytesAtLimits =
  apiLimits.hashListLengthMax * 67 +
  apiLimits.pathBytesMax * 6 +
  apiLimits.proofsMax * (apiLimits.proofTokenBytesMax + 64 + 128) +
  1024;
assertLimit(
  commitBodyBytesAtLimits <= apiLimits.commitBodyBytesMax,
  "a commit at its limits fits its body",
);
assertLimit(
  commitBodyBytesAtLimits <= apiLimits.uploadInitBodyBytesMax,
  "an upload-init fits its body",
);
assertLimit(apiLimits.fileSizeBytesMax <= Number.MAX_SAFE_INTEGER, "file sizes are exact doubles");
assertLimit(apiLimits.deltaBodyBytesMax === apiLimits.deltaBytesMax, "a delta body is one delta");
assertLimit(
  Math.max(...Object.values(routeBodyBytesMax)) <= apiLimits.bodyDrainBytesMax,
  "a body the gateway lets through is drained, never cut off",
);
assertLimit(
  overloadLimits.processBodyBytesInFlightMax >= apiLimits.deltaBodyBytesMax * 2,
  "two largest bodies fit the in-flight byte budget, so one is always admitted",
);
assertLimit(
  apiLimits.userRequestsBurstMax >= apiLimits.userRequestsPerSMax,
  "a burst holds a second",
);

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

assertLimit(
  blockSizeBytesMin <= blockSizeBytes && blockSizeBytes <= fileDeltaBlockSizeBytesMax,
  "the design's block size is a valid whole-file delta block size",
);
assertLimit(
  fileDeltaBlockSizeBytesMax <= blockSizeBytesMax,
  "whole-file blocks stay within the block delta's source window bound",
);
assertLimit(
  Number.isSafeInteger(fileDeltaOldBytesMax) && Number.isSafeInteger(fileDeltaNewBytesMax),
  "file lengths fit a varint53",
);
