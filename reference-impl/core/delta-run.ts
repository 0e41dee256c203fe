// The decoder's fast loop over a split body (DELTA-FORMAT.md, "Instructions"): the same
// instructions as delta.ts's `step`, read from the three sections with local cursors and no
// method call per byte. A compiled binary's block delta holds about 100 000 instructions of
// 4-60 B; through `step` and a subarray per copy they cost 8-9 ms of a 10 ms decode where brotli
// took 1.3. The loop stops at the first thing it would have to reject (a short section, an
// over-long varint, a length or offset out of range) and leaves the readers there, so `step`
// then reports it with the usual code and message; it never writes what `step` would refuse.
import { opKind, shortCopyBytes, unzigzag, type ByteReader } from "./wire.ts";

// Local copies: a transpiled ESM import is a getter call on every read (hot loop).
const opAdd = opKind.add;
const opCopyAtCursor = opKind.copyAtCursor;
const opCopyExplicit = opKind.copyExplicit;
const shortCopyBytesLocal = shortCopyBytes;
const unzigzagLocal = unzigzag;

export interface ApplyState {
  readonly source: Uint8Array;
  readonly out: Uint8Array;
  produced: number;
  lastCopyEnd: number;
  addedBytes: number;
}

/** Where instructions come from: one interleaved reader (plain) or the three sections. */
export interface Streams {
  readonly ops: ByteReader;
  readonly offsets: ByteReader;
  readonly literals: ByteReader;
}

/**
 * out[at..] = from[start, start + length), bounds already checked. Runs up to 64 B go byte by
 * byte (about 20 ns), longer ones through `set` (about 45 ns per call for the subarray).
 */
export function copyBytes(
  out: Uint8Array,
  at: number,
  from: Uint8Array,
  start: number,
  length: number,
): void {
  if (length <= shortCopyBytesLocal) {
    for (let i = 0; i < length; i++) out[at + i] = from[start + i] as number;
  } else {
    out.set(from.subarray(start, start + length), at);
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * copyBytes through DataViews, four bytes per step (any alignment): 130 000 copies of 4-60 B
 * took 3.0 ms instead of 6.4 byte by byte (longer runs go through `set`; 128-1024 B measured
 * the same). Int32 only: a Float64 round trip may rewrite NaN
 * bit patterns, so it could change the bytes.
 */
function copyWords(
  out: Uint8Array,
  ov: DataView,
  at: number,
  from: Uint8Array,
  fv: DataView,
  start: number,
  length: number,
): void {
  if (length > shortCopyBytesLocal) {
    out.set(from.subarray(start, start + length), at);
    return;
  }
  let k = 0;
  for (; k + 4 <= length; k += 4) ov.setInt32(at + k, fv.getInt32(start + k, true), true);
  for (; k < length; k++) out[at + k] = from[start + k] as number;
}

/** A 5-byte LEB128 below 2^32 at buf[pos..end): value and next position, or -1 as position. */
const varintOut = { value: 0, next: 0 };
function readVarint(buf: Uint8Array, pos: number, end: number): void {
  let value = 0;
  let scale = 1;
  let q = pos;
  varintOut.next = -1;
  for (let i = 0; i < 5 && q < end; i++) {
    const c = buf[q++] as number;
    value += (c & 0x7f) * scale;
    if (c < 0x80) {
      if (value < 2 ** 32) {
        varintOut.value = value;
        varintOut.next = q;
      }
      return;
    }
    scale *= 0x80;
  }
}

/** Runs the split body's instructions while they are valid; `step` finishes or rejects. */
export function runSplit(s: Streams, st: ApplyState): void {
  const ops = s.ops.buf;
  const opsEnd = ops.length;
  const offs = s.offsets.buf;
  const lits = s.literals.buf;
  const { out, source } = st;
  const target = out.length;
  const outView = viewOf(out);
  const litsView = viewOf(lits);
  const sourceView = viewOf(source);
  let op = s.ops.pos;
  let off = s.offsets.pos;
  let lit = s.literals.pos;
  let { produced, lastCopyEnd, addedBytes } = st;
  while (produced < target && op < opsEnd) {
    const b = ops[op] as number;
    let value = b & 31;
    let next = op + 1;
    if ((b & 0x20) !== 0) {
      readVarint(ops, next, opsEnd);
      if (varintOut.next < 0) break;
      value += varintOut.value * 32;
      next = varintOut.next;
    }
    const room = target - produced;
    if (b >>> 6 === opAdd) {
      const length = value + 1;
      if (length > room || length > lits.length - lit) break;
      copyWords(out, outView, produced, lits, litsView, lit, length);
      lit += length;
      produced += length;
      addedBytes += length;
      op = next;
      continue;
    }
    const length = value === 0 ? room : value + 3;
    if (length > room) break;
    let start = lastCopyEnd;
    let offNext = off;
    if (b >>> 6 === opCopyAtCursor) start += addedBytes;
    if (b >>> 6 === opCopyExplicit) {
      readVarint(offs, off, offs.length);
      if (varintOut.next < 0) break;
      start += addedBytes + unzigzagLocal(varintOut.value);
      offNext = varintOut.next;
    }
    if (start < 0 || start + length > source.length) break;
    copyWords(out, outView, produced, source, sourceView, start, length);
    produced += length;
    lastCopyEnd = start + length;
    addedBytes = 0;
    off = offNext;
    op = next;
  }
  s.ops.pos = op;
  s.offsets.pos = off;
  s.literals.pos = lit;
  st.produced = produced;
  st.lastCopyEnd = lastCopyEnd;
  st.addedBytes = addedBytes;
}
