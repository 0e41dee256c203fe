// Compression of block delta bodies (DELTA-FORMAT.md, modes 2 and 3): the encoder's choice of
// brotli quality and of a deflate dictionary cut from the source, the incompressible-input check,
// and the decoder's bounded decompression (a body above its bound is DELTA_CORRUPT).
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants as zlibConstants,
  deflateRawSync,
  inflateRawSync,
} from "node:zlib";
import { compressBodyBytesMin, deltaBodyBytesMax } from "./limits.ts";
import { ByteReader, ByteWriter, deltaError, deltaMode, type DeltaMode } from "./wire.ts";

/** The deflate window: a longer preset dictionary would not be referenced. */
const dictionaryBytesMax = 32 * 1024;

export function outOfRange(what: string): Error {
  return deltaError(
    "DELTA_OUT_OF_RANGE",
    `block delta ${what}; nothing was written`,
    "the delta was made against a different source, or it is corrupt",
  );
}

/** Bytes in each of the three slices (start, middle, end) of the compressibility sample. */
const sampleSliceBytes = 16 * 1024;

/**
 * Deflate level 1 of three 16 KiB slices (start, middle, end) over their length: a cheap
 * (about 0.5 ms) estimate of how well the body compresses. Undefined below 64 KiB.
 */
export function sampleRatio(body: Uint8Array): number | undefined {
  if (body.length < 4 * sampleSliceBytes) return undefined;
  const middle = body.length >> 1;
  const sample = Buffer.concat([
    body.subarray(0, sampleSliceBytes),
    body.subarray(middle, middle + sampleSliceBytes),
    body.subarray(body.length - sampleSliceBytes),
  ]);
  return deflateRawSync(sample, { level: 1 }).length / sample.length;
}

/** True when a sample of the body does not shrink by 5 %: literals already compressed. */
export function looksIncompressible(body: Uint8Array, ratio = sampleRatio(body)): boolean {
  return ratio !== undefined && ratio > 0.95;
}

export interface BrotliSettings {
  readonly quality: number;
  readonly lgwin: number;
  readonly lgblock?: number;
}

/**
 * Brotli settings by predicted cost (design/decisions/0005, 0007): brotli's time grows with the
 * bytes it writes, so the estimate `bodyBytes x sampleRatio` (deflate-1 size of the whole body)
 * picks the best quality whose cost stays near 10 ms, so that the match search and brotli
 * together stay within the 50 ms encode bound. Measured on this machine (CPU ms) on the binary
 * bodies of the bench: q9 16-41 ms for estimates of 50-240 KiB, q6 3-11, q5 3-19, q4 1-9
 * (decision 0007 has the table). Bodies below 64 KiB have no sample and keep quality 9 (a few
 * ms at most). Deterministic: the choice depends on the bytes only, never on a clock.
 */
export function brotliSettingsFor(bodyBytes: number, ratio: number | undefined): BrotliSettings {
  if (ratio === undefined) return { quality: 9, lgwin: 24 };
  const estimateBytes = bodyBytes * ratio;
  if (estimateBytes <= 32 * 1024) return { quality: 9, lgwin: 24 };
  if (estimateBytes <= 128 * 1024) return { quality: 6, lgwin: 22 };
  if (estimateBytes <= 256 * 1024) return { quality: 5, lgwin: 22 };
  if (estimateBytes <= 704 * 1024) return { quality: 4, lgwin: 18, lgblock: 16 };
  if (estimateBytes <= 1152 * 1024) return { quality: 3, lgwin: 22 };
  return { quality: 1, lgwin: 22 };
}

/**
 * Brotli of the split body, or undefined when it is too short or looks incompressible; the
 * quality comes from `brotliSettingsFor`. The worst case is an unrelated 4 MiB text block: the
 * bench's synthetic one goes at quality 1 (about 21 ms, 1.51 MB, 7.5 % above zstd -3); every
 * built-in setting at or below zstd -3's size costs 60 ms or more (decision 0005).
 */
export function compressBody(body: Uint8Array): Uint8Array | undefined {
  if (body.length < compressBodyBytesMin) return undefined;
  const ratio = sampleRatio(body);
  if (looksIncompressible(body, ratio)) return undefined;
  const { quality, lgwin, lgblock } = brotliSettingsFor(body.length, ratio);
  return brotliCompressSync(body, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: quality,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [zlibConstants.BROTLI_PARAM_LGWIN]: lgwin,
      ...(lgblock === undefined ? {} : { [zlibConstants.BROTLI_PARAM_LGBLOCK]: lgblock }),
    },
  });
}

/**
 * Small bodies (source-code edits): raw deflate with a preset dictionary cut from the source
 * around the median literal position, so new code that reuses nearby identifiers compresses as
 * references into the old text (the 32 KiB deflate window bounds the dictionary).
 */
export function deflateWithSource(
  split: Uint8Array,
  source: Uint8Array,
  cursors: readonly number[],
): Uint8Array | undefined {
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

export function decompress(
  mode: DeltaMode,
  body: Uint8Array,
  targetLength: number,
  source: Uint8Array,
): Uint8Array {
  const maxOutputLength = deltaBodyBytesMax(targetLength);
  let input = body;
  let dictionary: Uint8Array | undefined;
  if (mode === deltaMode.deflate) {
    const r = new ByteReader(body, 0, "deflate body");
    const dictStart = r.varint("the dictionary offset");
    const dictLength = r.varint("the dictionary length");
    if (dictLength > dictionaryBytesMax || dictStart + dictLength > source.length) {
      throw outOfRange(
        `names dictionary bytes ${dictStart}..${dictStart + dictLength} of a ` +
          `${source.length} B source (at most ${dictionaryBytesMax} B)`,
      );
    }
    dictionary = source.subarray(dictStart, dictStart + dictLength);
    input = body.subarray(r.pos);
  }
  try {
    return mode === deltaMode.deflate
      ? inflateRawSync(
          input,
          dictionary && dictionary.length > 0
            ? { maxOutputLength, dictionary }
            : { maxOutputLength },
        )
      : brotliDecompressSync(input, { maxOutputLength });
  } catch (error) {
    throw deltaError(
      "DELTA_CORRUPT",
      `block delta body does not decompress within ` +
        `${maxOutputLength} B: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
