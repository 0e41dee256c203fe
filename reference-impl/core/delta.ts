// Block deltas: encodeDelta(source, target) and applyDelta(source, delta), one module used by the
// client to encode and by the ChunkService to apply (STYLE.md section 2). The format is specified
// in DELTA-FORMAT.md; wire.ts holds its byte-level pieces, delta-match.ts the match finder.
// The decoder trusts nothing: every length and offset is checked before a byte is copied, the
// output is allocated once at the declared (bounded) target length, and errors carry DELTA_* codes.
import { sha256Hex } from "./hash.ts";
import { findMatches, type MatchSink } from "./delta-match.ts";
import { copyBytes, runSplit, type ApplyState, type Streams } from "./delta-run.ts";
import {
  compressBody,
  decompress,
  deflateWithSource,
  looksIncompressible,
  outOfRange,
} from "./delta-pack.ts";
import { blockSizeBytes } from "./limits.ts";
import {
  blockFormatVersion,
  blockMagic,
  ByteReader,
  ByteWriter,
  deltaError,
  deltaMode,
  type DeltaMode,
  opKind,
  unzigzag,
  zigzag,
} from "./wire.ts";

export interface EncodeOptions {
  /** Try compressing the instruction stream (default true). */
  readonly compress?: boolean;
}

export interface ApplyOptions {
  /** The largest target the delta may declare (default: one block, 4 MiB). */
  readonly targetBytesMax?: number;
  /** When given, the output's SHA-256 (hex) must equal it, else CHUNK_HASH_MISMATCH. */
  readonly expectedSha256?: string;
  /**
   * A buffer to build the target in when the delta needs one (a server reuses its block buffers
   * rather than allocate 4 MiB per request). Used only when it holds the whole target; it must
   * not share memory with the source. The result may then be a view of it.
   */
  readonly output?: Uint8Array;
}

// Local copies: a transpiled ESM import is a getter call on every read (hot decoder loop).
const opAdd = opKind.add;
const opCopyAtCursor = opKind.copyAtCursor;
const opCopyExplicit = opKind.copyExplicit;
const unzigzagLocal = unzigzag;

/** Writes instructions as the match finder reports them (DELTA-FORMAT.md, "Instructions"). */
class InstructionWriter implements MatchSink {
  /** Interleaved form (plain mode): opcode, length, offset, literal bytes in order. */
  readonly out = new ByteWriter(1024);
  /** Split form (compressed modes): opcodes and lengths, offsets, literals as three sections. */
  readonly ops = new ByteWriter(256);
  readonly offsets = new ByteWriter(256);
  readonly literals = new ByteWriter(1024);
  lastCopyEnd = 0;
  addedBytes = 0;
  producedBytes = 0;
  /** Source offsets where literal runs start (the first 1 024): centre of the dictionary. */
  readonly literalCursors: number[] = [];

  constructor(private readonly target: Uint8Array) {}

  private opcode(kind: number, value: number): void {
    const first = value < 32 ? (kind << 6) | value : (kind << 6) | 0x20 | (value & 31);
    this.out.byte(first);
    this.ops.byte(first);
    if (value >= 32) {
      this.out.varint(Math.floor(value / 32));
      this.ops.varint(Math.floor(value / 32));
    }
  }

  add(start: number, end: number): void {
    this.opcode(opKind.add, end - start - 1);
    if (this.literalCursors.length < 1024 && this.producedBytes > 0) {
      this.literalCursors.push(this.lastCopyEnd + this.addedBytes);
    }
    this.out.bytes(this.target, start, end);
    this.literals.bytes(this.target, start, end);
    this.addedBytes += end - start;
    this.producedBytes += end - start;
  }

  copy(sourceStart: number, length: number): void {
    const cursor = this.lastCopyEnd + this.addedBytes;
    if (this.addedBytes > 0 && this.literalCursors.length < 1024) {
      this.literalCursors.push(sourceStart);
    }
    this.producedBytes += length;
    const lengthCode = this.producedBytes === this.target.length ? 0 : length - 3;
    if (sourceStart === cursor) {
      this.opcode(opKind.copyAtCursor, lengthCode);
    } else if (sourceStart === this.lastCopyEnd) {
      this.opcode(opKind.copyAtLastEnd, lengthCode);
    } else {
      this.opcode(opKind.copyExplicit, lengthCode);
      this.out.varint(zigzag(sourceStart - cursor));
      this.offsets.varint(zigzag(sourceStart - cursor));
    }
    this.lastCopyEnd = sourceStart + length;
    this.addedBytes = 0;
  }

  /** The split body: varint(ops length), ops, varint(offsets length), offsets, literals. */
  splitBody(): Uint8Array {
    const w = new ByteWriter(this.out.length + 16);
    w.varint(this.ops.length);
    w.bytes(this.ops.finish());
    w.varint(this.offsets.length);
    w.bytes(this.offsets.finish());
    w.bytes(this.literals.finish());
    return w.finish();
  }
}

function header(mode: DeltaMode, targetLength: number, bodyBytes: number): ByteWriter {
  const w = new ByteWriter(bodyBytes + 8);
  w.byte(blockMagic);
  w.byte((blockFormatVersion << 4) | mode);
  w.varint(targetLength);
  return w;
}

function withHeader(mode: DeltaMode, targetLength: number, body: Uint8Array): Uint8Array {
  const w = header(mode, targetLength, body.length);
  w.bytes(body);
  return w.finish();
}

/**
 * Encodes `target` as copies from `source` plus literals. Never larger than the target plus
 * the raw header (at most 7 bytes): when the instructions do not pay, the target goes as is.
 */
/** The instructions before compression: plain body, split body, literal byte count (bench use). */
export function instructionBodies(source: Uint8Array, target: Uint8Array) {
  const writer = new InstructionWriter(target);
  findMatches(source, target, writer);
  return {
    plain: writer.out.finish(),
    split: writer.splitBody(),
    literalBytes: writer.literals.length,
  };
}

export function encodeDelta(
  source: Uint8Array,
  target: Uint8Array,
  options: EncodeOptions = {},
): Uint8Array {
  const m = target.length;
  const writer = new InstructionWriter(target);
  findMatches(source, target, writer);
  const body = writer.out.finish();
  if (writer.literals.length === m && m > 0 && looksIncompressible(target)) {
    return withHeader(deltaMode.raw, m, target);
  }
  let packed = { mode: deltaMode.plain as DeltaMode, bytes: body };
  if (options.compress !== false) {
    const split = writer.splitBody();
    const brotli = compressBody(split);
    if (brotli && brotli.length < packed.bytes.length) {
      packed = { mode: deltaMode.brotli, bytes: brotli };
    }
    const deflate = deflateWithSource(split, source, writer.literalCursors);
    if (deflate && deflate.length < packed.bytes.length) {
      packed = { mode: deltaMode.deflate, bytes: deflate };
    }
  }
  if (packed.bytes.length >= m) return withHeader(deltaMode.raw, m, target);
  return withHeader(packed.mode, m, packed.bytes);
}

/** Executes one instruction; the caller loops until the output is full. */
function step(r: Streams, st: ApplyState): void {
  const b = r.ops.byte("an opcode");
  const kind = b >>> 6;
  let value = b & 31;
  if ((b & 0x20) !== 0) value += r.ops.varint("an instruction length") * 32;
  const room = st.out.length - st.produced;
  if (kind === opAdd) {
    const length = value + 1;
    if (length > room) throw outOfRange(`adds ${length} B with ${room} B of target left`);
    const lit = r.literals;
    if (length > lit.remaining) throw lit.truncated("literal bytes");
    copyBytes(st.out, st.produced, lit.buf, lit.pos, length);
    lit.pos += length;
    st.produced += length;
    st.addedBytes += length;
    return;
  }
  const length = value === 0 ? room : value + 3;
  if (length > room) throw outOfRange(`copies ${length} B with ${room} B of target left`);
  let start = st.lastCopyEnd;
  if (kind === opCopyAtCursor) start += st.addedBytes;
  if (kind === opCopyExplicit) {
    start += st.addedBytes + unzigzagLocal(r.offsets.varint("a copy offset"));
  }
  if (start < 0 || start + length > st.source.length) {
    throw outOfRange(
      `copies source bytes ${start}..${start + length} of a ` + `${st.source.length} B source`,
    );
  }
  copyBytes(st.out, st.produced, st.source, start, length);
  st.produced += length;
  st.lastCopyEnd = start + length;
  st.addedBytes = 0;
}

function readHeader(delta: Uint8Array, targetBytesMax: number) {
  const r = new ByteReader(delta, 0, "block delta");
  const magic = r.byte("the magic");
  if (magic !== blockMagic) {
    throw deltaError(
      "DELTA_BAD_MAGIC",
      `block delta starts with 0x${magic.toString(16)}, ` + `expected 0x${blockMagic.toString(16)}`,
    );
  }
  const versionMode = r.byte("the version");
  const version = versionMode >>> 4;
  const mode = versionMode & 15;
  if (version !== blockFormatVersion) {
    throw deltaError(
      "DELTA_UNSUPPORTED_VERSION",
      `block delta format version ${version} is ` +
        `not supported (this build reads ${blockFormatVersion})`,
    );
  }
  if (mode > deltaMode.brotli) throw deltaError("DELTA_MALFORMED", `unknown block mode ${mode}`);
  const targetLength = r.varint("the target length");
  if (targetLength > targetBytesMax) {
    throw outOfRange(`declares a ${targetLength} B target, above the ${targetBytesMax} B limit`);
  }
  return { r, mode: mode as DeltaMode, targetLength };
}

/**
 * The source range an identical (or moved) block names: a plain body of exactly one COPY to the
 * end of the target, the delta of a block that did not change. Returns undefined for anything
 * else, and for a copy outside the source, which the general path then rejects with its code.
 */
function wholeCopy(
  source: Uint8Array,
  body: Uint8Array,
  targetLength: number,
): Uint8Array | undefined {
  const b = body[0];
  if (targetLength === 0 || b === undefined || b >>> 6 === opAdd || (b & 0x3f) !== 0) {
    return undefined;
  }
  let start = 0;
  if (b >>> 6 === opCopyExplicit) {
    const r = new ByteReader(body, 1, "block delta body");
    if (r.remaining === 0 || r.remaining > 5) return undefined;
    start = unzigzagLocal(r.varint("a copy offset"));
    if (r.remaining !== 0) return undefined;
  } else if (body.length !== 1) {
    return undefined;
  }
  if (start < 0 || start + targetLength > source.length) return undefined;
  return source.subarray(start, start + targetLength);
}

/**
 * The literal section of a split body that is exactly one ADD of the whole target (a block with
 * nothing in common with its source), as a view of the decompressed body: no second 4 MiB
 * allocation and copy. Anything else returns undefined and takes the general path; an opcode the
 * general path would reject throws the same code here.
 */
function wholeAdd(s: Streams, targetLength: number): Uint8Array | undefined {
  if (targetLength === 0 || s.offsets.remaining !== 0 || s.literals.remaining !== targetLength) {
    return undefined;
  }
  const ops = new ByteReader(s.ops.buf, s.ops.pos, s.ops.what);
  const b = ops.byte("an opcode");
  if (b >>> 6 !== opAdd) return undefined;
  let value = b & 31;
  if ((b & 0x20) !== 0) value += ops.varint("an instruction length") * 32;
  if (value !== targetLength - 1 || ops.remaining !== 0) return undefined;
  return s.literals.take(targetLength, "literal bytes");
}

/**
 * Rebuilds the target from `source` and a block delta; validates every field (DELTA_* codes).
 * The result may share memory with `source`: a delta that is one copy of a source range (an
 * unchanged block) returns a view of that range, with no 4 MiB allocation; copy it before
 * changing either buffer. A compressed delta that is one ADD of the whole target returns a view
 * of its own decompressed literal section (a fresh buffer, shared with nothing else).
 */
export function applyDelta(
  source: Uint8Array,
  delta: Uint8Array,
  options: ApplyOptions = {},
): Uint8Array {
  const { r, mode, targetLength } = readHeader(delta, options.targetBytesMax ?? blockSizeBytes);
  let out: Uint8Array;
  if (mode === deltaMode.raw) {
    if (r.remaining !== targetLength) {
      throw deltaError(
        r.remaining < targetLength ? "DELTA_TRUNCATED" : "DELTA_TRAILING_BYTES",
        `raw block delta holds ${r.remaining} B for a ${targetLength} B target`,
      );
    }
    out = Uint8Array.prototype.slice.call(delta, r.pos);
  } else {
    const rest = delta.subarray(r.pos);
    const whole = mode === deltaMode.plain ? wholeCopy(source, rest, targetLength) : undefined;
    if (whole !== undefined) return checked(whole, options.expectedSha256);
    const streams =
      mode === deltaMode.plain
        ? interleaved(rest)
        : splitStreams(decompress(mode, rest, targetLength, source));
    const literal = mode === deltaMode.plain ? undefined : wholeAdd(streams, targetLength);
    if (literal !== undefined) return checked(literal, options.expectedSha256);
    const st: ApplyState = {
      source,
      out: outputFor(targetLength, source, options.output),
      produced: 0,
      lastCopyEnd: 0,
      addedBytes: 0,
    };
    if (mode !== deltaMode.plain) runSplit(streams, st);
    while (st.produced < targetLength) step(streams, st);
    const left =
      streams.ops.remaining +
      (mode === deltaMode.plain ? 0 : streams.offsets.remaining + streams.literals.remaining);
    if (left !== 0) {
      throw deltaError(
        "DELTA_TRAILING_BYTES",
        `block delta has ${left} B after the ` +
          `instruction that completed the ${targetLength} B target`,
      );
    }
    out = st.out;
  }
  return checked(out, options.expectedSha256);
}

/** The caller's buffer when it is large enough and apart from the source, else a new one. */
function outputFor(targetLength: number, source: Uint8Array, output: Uint8Array | undefined) {
  if (output === undefined || output.byteLength < targetLength) {
    return Buffer.allocUnsafe(targetLength);
  }
  const apart =
    output.buffer !== source.buffer ||
    output.byteOffset >= source.byteOffset + source.byteLength ||
    source.byteOffset >= output.byteOffset + output.byteLength;
  if (!apart) throw new RangeError("applyDelta: options.output overlaps the source");
  return output.subarray(0, targetLength);
}

function checked(out: Uint8Array, expectedSha256: string | undefined): Uint8Array {
  if (expectedSha256 !== undefined) checkSha256(out, expectedSha256);
  return out;
}

function interleaved(body: Uint8Array): Streams {
  const r = new ByteReader(body, 0, "block delta body");
  return { ops: r, offsets: r, literals: r };
}

/** Cuts a decompressed body into its sections; each reader sees only its own bytes. */
function splitStreams(body: Uint8Array): Streams {
  const r = new ByteReader(body, 0, "block delta body");
  const ops = r.take(r.varint("the opcode section length"), "the opcode section");
  const offsets = r.take(r.varint("the offset section length"), "the offset section");
  return {
    ops: new ByteReader(ops, 0, "opcode section"),
    offsets: new ByteReader(offsets, 0, "offset section"),
    literals: new ByteReader(r.buf, r.pos, "literal section"),
  };
}

function checkSha256(out: Uint8Array, expected: string): void {
  const actual = sha256Hex(out);
  if (actual !== expected.toLowerCase()) {
    throw deltaError(
      "CHUNK_HASH_MISMATCH",
      `SHA-256 after applying the delta is ` +
        `${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…; nothing was stored`,
    );
  }
}
