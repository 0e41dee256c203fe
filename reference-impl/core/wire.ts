// The byte-level pieces of the delta formats (DELTA-FORMAT.md): varints, the growable writer,
// the bounds-checked reader, the block delta header and the file container's header. Every read
// checks the bytes left and the value's bound, and throws a SyncbenchError with a DELTA_* code.
import { SyncbenchError } from "./errors.ts";
import { varint53BytesMax, varintBytesMax } from "./limits.ts";

/** First byte of every block delta. */
export const blockMagic = 0xd5;
/** The block delta format version carried in the high nibble of the second byte. */
export const blockFormatVersion = 1;

/** How a block delta's body is stored (low nibble of the second byte). */
export const deltaMode = { raw: 0, plain: 1, deflate: 2, brotli: 3 } as const;
export type DeltaMode = (typeof deltaMode)[keyof typeof deltaMode];

/** Instruction kinds: the two high bits of an opcode byte. */
export const opKind = { add: 0, copyAtCursor: 1, copyAtLastEnd: 2, copyExplicit: 3 } as const;

/** File container: magic "SBDF", version 1. */
export const fileMagic = Uint8Array.of(0x53, 0x42, 0x44, 0x46);
export const fileFormatVersion = 1;
export const sha256Bytes = 32;

export function deltaError(code: string, message: string, hint?: string): SyncbenchError {
  return new SyncbenchError(code, message, hint === undefined ? {} : { hint });
}

/** Runs up to this length are copied byte by byte (ByteWriter.bytes, the decoder's copies). */
export const shortCopyBytes = 64;

/** Appends bytes into a buffer that doubles when full; `finish` returns the written view. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacityBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, capacityBytes));
  }

  private reserve(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.buf.length) return;
    const capacity = Math.max(this.buf.length * 2, needed);
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(value: number): void {
    this.reserve(varint53BytesMax + 1);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    this.reserve(end - start);
    if (end - start <= shortCopyBytes) {
      // Short runs (most literals of a binary delta) byte by byte: a subarray of a Buffer
      // allocates an object and costs more than copying a few dozen bytes.
      const buf = this.buf;
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = source[i] as number;
    } else {
      this.buf.set(source.subarray(start, end), this.length);
    }
    this.length += end - start;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Bytes needed by `ByteWriter.varint(value)`. */
export function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** Zigzag maps signed to unsigned so small negative offsets stay short: 0,-1,1,-2 -> 0,1,2,3. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** A cursor over untrusted bytes; every read is bounds-checked and names what it was reading. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly what = "delta",
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  truncated(field: string): SyncbenchError {
    return deltaError(
      "DELTA_TRUNCATED",
      `${this.what} ends inside ${field} at byte ${this.pos} of ${this.buf.length}; nothing was written`,
      "the delta file is incomplete: copy it again or re-create it with `syncbench delta encode`",
    );
  }

  byte(field: string): number {
    if (this.pos >= this.buf.length) throw this.truncated(field);
    return this.buf[this.pos++] as number;
  }

  /** Unsigned LEB128 of at most `bytesMax` bytes (5 -> 32 bits, 8 -> 53 bits). */
  varint(field: string, bytesMax = varintBytesMax): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < bytesMax; i++) {
      const b = this.byte(field);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER || (bytesMax === varintBytesMax && value >= 2 ** 32)) {
          break;
        }
        return value;
      }
      scale *= 0x80;
    }
    throw deltaError(
      "DELTA_MALFORMED",
      `${this.what}: ${field} at byte ${this.pos} is not a varint of at most ${bytesMax} bytes`,
    );
  }

  varint53(field: string): number {
    return this.varint(field, varint53BytesMax);
  }

  take(byteCount: number, field: string): Uint8Array {
    if (byteCount > this.remaining) throw this.truncated(field);
    const view = this.buf.subarray(this.pos, this.pos + byteCount);
    this.pos += byteCount;
    return view;
  }
}

/** The file container's fixed header (DELTA-FORMAT.md, "File container"). */
export interface FileHeader {
  readonly blockSizeBytes: number;
  readonly oldLength: number;
  readonly newLength: number;
}

export function writeFileHeader(header: FileHeader): Uint8Array {
  const w = new ByteWriter(32);
  w.bytes(fileMagic);
  w.byte(fileFormatVersion);
  w.varint(header.blockSizeBytes);
  w.varint(header.oldLength);
  w.varint(header.newLength);
  return w.finish();
}

/** Parses the header; `limits` bound the block size. Returns the header and its byte length. */
export function readFileHeader(
  buf: Uint8Array,
  limits: { blockSizeBytesMin: number; blockSizeBytesMax: number },
): { header: FileHeader; headerBytes: number } {
  const r = new ByteReader(buf, 0, "delta file header");
  const magic = r.take(fileMagic.length, "the magic");
  if (!fileMagic.every((b, i) => magic[i] === b)) {
    throw deltaError(
      "DELTA_BAD_MAGIC",
      "not a syncbench delta file: it does not start with SBDF",
      "pass a file written by `syncbench delta encode`",
    );
  }
  const version = r.byte("the format version");
  if (version !== fileFormatVersion) {
    throw deltaError(
      "DELTA_UNSUPPORTED_VERSION",
      `delta file format version ${version} is not supported (this build reads ${fileFormatVersion})`,
    );
  }
  const blockSize = r.varint("the block size");
  if (blockSize < limits.blockSizeBytesMin || blockSize > limits.blockSizeBytesMax) {
    throw deltaError(
      "DELTA_OUT_OF_RANGE",
      `delta file declares block size ${blockSize} B, ` +
        `outside ${limits.blockSizeBytesMin}..${limits.blockSizeBytesMax} B`,
    );
  }
  const oldLength = r.varint53("the old file length");
  const newLength = r.varint53("the new file length");
  return { header: { blockSizeBytes: blockSize, oldLength, newLength }, headerBytes: r.pos };
}
