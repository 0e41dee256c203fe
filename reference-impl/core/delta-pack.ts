// Compression of block delta bodies (DELTA-FORMAT.md, modes 2 and 3): the encoder's choice of
// brotli quality and of a deflate dictionary cut from the source, the incompressible-input check,
// and the decoder's bounded decompression (a body above its bound is DELTA_CORRUPT).
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, deflateRawSync,
  inflateRawSync } from "node:zlib";
import { compressBodyBytesMin, deltaBodyBytesMax } from "./limits.ts";
import { ByteReader, ByteWriter, deltaError, deltaMode, type DeltaMode } from "./wire.ts";

/** The deflate window: a longer preset dictionary would not be referenced. */
const dictionaryBytesMax = 32 * 1024;

export function outOfRange(what: string): Error {
  return deltaError("DELTA_OUT_OF_RANGE", `block delta ${what}; nothing was written`,
    "the delta was made against a different source, or it is corrupt");
}

/** True when a sample of the body does not shrink by 5 %: literals already compressed. */
export function looksIncompressible(body: Uint8Array): boolean {
  const sampleBytes = 16 * 1024;
  if (body.length < 4 * sampleBytes) return false;
  const middle = body.length >> 1;
  const sample = Buffer.concat([body.subarray(0, sampleBytes),
    body.subarray(middle, middle + sampleBytes), body.subarray(body.length - sampleBytes)]);
  return deflateRawSync(sample, { level: 1 }).length > sample.length * 0.95;
}

/**
 * Brotli of the split body, or undefined when it is too short or looks incompressible. Quality
 * falls as the body grows so the worst case (an unrelated 4 MiB text block) stays near 50 ms:
 * measured on it, quality 4 with a 256 KiB window and 64 KiB blocks takes 65-70 ms CPU for
 * 1 371 805 B (under zstd -3's 1 406 717 B); a 16 MiB window adds ~25 ms for 0.1 %; quality
 * 3 and below (40 ms and less) and deflate levels 1-4 (35-63 ms) end above zstd -3.
 */
export function compressBody(body: Uint8Array): Uint8Array | undefined {
  if (body.length < compressBodyBytesMin || looksIncompressible(body)) return undefined;
  const large = body.length > 1024 * 1024;
  const quality = body.length <= 256 * 1024 ? 9 : large ? 4 : 6;
  return brotliCompressSync(body, { params: {
    [zlibConstants.BROTLI_PARAM_QUALITY]: quality,
    [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
    [zlibConstants.BROTLI_PARAM_LGWIN]: large ? 18 : 24,
    ...(large ? { [zlibConstants.BROTLI_PARAM_LGBLOCK]: 16 } : {}),
  } });
}

/**
 * Small bodies (source-code edits): raw deflate with a preset dictionary cut from the source
 * around the median literal position, so new code that reuses nearby identifiers compresses as
 * references into the old text (the 32 KiB deflate window bounds the dictionary).
 */
export function deflateWithSource(split: Uint8Array, source: Uint8Array,
  cursors: readonly number[]): Uint8Array | undefined {
  if (split.length < compressBodyBytesMin || split.length > 64 * 1024 || cursors.length === 0) {
    return undefined;
  }
  const centre = [...cursors].sort((a, b) => a - b)[cursors.length >> 1] as number;
  const dictLength = Math.min(dictionaryBytesMax, source.length);
  const dictStart = Math.max(0, Math.min(centre - (dictLength >> 1), source.length - dictLength));
  if (dictLength === 0) return undefined;
  const dictionary = source.subarray(dictStart, dictStart + dictLength);
  const packed = deflateRawSync(split, { level: 9, dictionary });
  const w = new ByteWriter(packed.length + 10);
  w.varint(dictStart);
  w.varint(dictLength);
  w.bytes(packed);
  return w.finish();
}

export function decompress(mode: DeltaMode, body: Uint8Array, targetLength: number,
  source: Uint8Array): Uint8Array {
  const maxOutputLength = deltaBodyBytesMax(targetLength);
  let input = body;
  let dictionary: Uint8Array | undefined;
  if (mode === deltaMode.deflate) {
    const r = new ByteReader(body, 0, "deflate body");
    const dictStart = r.varint("the dictionary offset");
    const dictLength = r.varint("the dictionary length");
    if (dictLength > dictionaryBytesMax || dictStart + dictLength > source.length) {
      throw outOfRange(`names dictionary bytes ${dictStart}..${dictStart + dictLength} of a ` +
        `${source.length} B source (at most ${dictionaryBytesMax} B)`);
    }
    dictionary = source.subarray(dictStart, dictStart + dictLength);
    input = body.subarray(r.pos);
  }
  try {
    return mode === deltaMode.deflate
      ? inflateRawSync(input, dictionary && dictionary.length > 0
        ? { maxOutputLength, dictionary } : { maxOutputLength })
      : brotliDecompressSync(input, { maxOutputLength });
  } catch (error) {
    throw deltaError("DELTA_CORRUPT", `block delta body does not decompress within ` +
      `${maxOutputLength} B: ${error instanceof Error ? error.message : String(error)}`);
  }
}

