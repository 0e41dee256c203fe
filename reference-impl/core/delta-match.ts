// The match finder of the block delta encoder: indexes the source every 16 bytes (32 for a window
// wider than one block) by an 8-byte fingerprint (Int32Array hash table + capped collision
// chains), then walks the target. A sample of target windows decides first whether the block is
// unrelated (then it is all literal). At each probe it tries the two cached resume offsets first
// (cheap to encode), then the chain (not in the first bytes after a copy); every candidate is
// extended forward (4 bytes at a time, then memcmp strides) and backward into the pending
// literal, and a match that reaches the previous copy may replace the copies before it.
// Unmatched stretches are probed at a growing stride, since backward extension recovers the
// skipped bytes of the next match. The chain cap keeps the work linear in the target length.
import * as limits from "./limits.ts";
import * as wire from "./wire.ts";

// Local copies: a transpiled ESM import is a getter call on every read, too slow in this loop.
const chainCandidatesMax = limits.chainCandidatesMax;
const explicitCopyBytesMin = limits.explicitCopyBytesMin;
const indexStepBytes = limits.indexStepBytes;
const indexStepBytesWide = limits.indexStepBytesWide;
const indexWideSourceBytesMin = limits.blockSizeBytes + 1;
const matchHashBytes = limits.matchHashBytes;
const probeStrideMax = limits.probeStrideMax;
const resumeCopyBytesMin = limits.resumeCopyBytesMin;
const varintSize = wire.varintSize;
const zigzag = wire.zigzag;

/** Receives the encoder's decisions in target order. */
export interface MatchSink {
  /** Where the last copy ended in the source (0 before the first copy). */
  readonly lastCopyEnd: number;
  /** Literal bytes target[start..end). */
  add(start: number, end: number): void;
  /** Copy `length` bytes from source offset `sourceStart`. */
  copy(sourceStart: number, length: number): void;
}

export interface SourceIndex {
  readonly table: Int32Array;
  readonly chain: Int32Array;
  readonly shift: number;
  /** Source bytes between indexed positions. */
  readonly step: number;
}

function hash8(b: Uint8Array, p: number, shift: number): number {
  const lo =
    (b[p] as number) |
    ((b[p + 1] as number) << 8) |
    ((b[p + 2] as number) << 16) |
    ((b[p + 3] as number) << 24);
  const hi =
    (b[p + 4] as number) |
    ((b[p + 5] as number) << 8) |
    ((b[p + 6] as number) << 16) |
    ((b[p + 7] as number) << 24);
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca77), 0x9e3779b1) >>> shift;
}

/** True where a Uint32Array reads bytes b0..b3 as b0 | b1 << 8 | ... (hash8's order). */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Fingerprints source positions 0, step, 2*step, ...; table and chain hold (slot + 1). A source
 * of one block is indexed every `indexStepBytes`; a wider window (old blocks i-1..i+1, up to
 * 12 MiB) every `indexStepBytesWide`, so the index of a 4 MiB target costs about the same
 * whatever its window (decision 0007: filling the table was a third of the search on binaries).
 */
export function indexSource(source: Uint8Array): SourceIndex {
  const step = source.length >= indexWideSourceBytesMin ? indexStepBytesWide : indexStepBytes;
  const slotCount = Math.ceil(source.length / step);
  let bits = 8;
  while (bits < 22 && 1 << bits < slotCount) bits++;
  const shift = 32 - bits;
  const table = new Int32Array(1 << bits);
  const chain = new Int32Array(slotCount + 1);
  const index = { table, chain, shift, step };
  if (littleEndian && source.byteOffset % 4 === 0) {
    indexWords(source, index);
    return index;
  }
  const last = source.length - matchHashBytes;
  for (let p = 0, slot = 1; p <= last; p += step, slot++) {
    const h = hash8(source, p, shift);
    chain[slot] = table[h] as number;
    table[h] = slot;
  }
  return index;
}

/**
 * indexSource's loop for a 4-byte-aligned source: indexed positions are multiples of 16, so each
 * fingerprint reads two aligned 32-bit words instead of eight bytes (same values as hash8).
 */
function indexWords(source: Uint8Array, index: SourceIndex): void {
  const { table, chain, shift } = index;
  const words = new Int32Array(source.buffer, source.byteOffset, source.length >> 2);
  const stepWords = index.step >> 2;
  const lastWord = ((source.length - matchHashBytes) >> 2) + 1;
  for (let q = 0, slot = 1; q < lastWord; q += stepWords, slot++) {
    const lo = words[q] as number;
    const hi = words[q + 1] as number;
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca77), 0x9e3779b1) >>> shift;
    chain[slot] = table[h] as number;
    table[h] = slot;
  }
}

function asView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface Scan {
  readonly s: Uint8Array;
  readonly t: Uint8Array;
  readonly sv: DataView;
  readonly tv: DataView;
  readonly sb: Buffer;
  readonly tb: Buffer;
}

/** Forward extension compares word by word this far before it compares in strides. */
const wordRunBytes = 1024;

/** Length of the common run of s[sPos..] and t[tPos..], at most `max`. */
function extendForward(x: Scan, sPos: number, tPos: number, max: number): number {
  const { s, t, sv, tv } = x;
  let n = 0;
  // Four bytes at a time through DataViews (any alignment): about 0.45 ns a byte against 1.2
  // for a byte loop, and a Buffer.compare call costs more than the 20-200 B runs that make up
  // most copies of a binary, so compare strides start only after a long run.
  const head = (max < wordRunBytes ? max : wordRunBytes) - 4;
  while (n <= head && sv.getInt32(sPos + n, true) === tv.getInt32(tPos + n, true)) n += 4;
  if (n <= head) {
    while (s[sPos + n] === t[tPos + n]) n++;
    return n;
  }
  for (let stride = 4096; stride >= 256; stride >>= 4) {
    while (
      n + stride <= max &&
      x.tb.compare(x.sb, sPos + n, sPos + n + stride, tPos + n, tPos + n + stride) === 0
    ) {
      n += stride;
    }
  }
  while (n < max && s[sPos + n] === t[tPos + n]) n++;
  return n;
}

/** How many bytes before s[sPos] and t[tPos] agree, not reaching below `tMin` in the target. */
function extendBackward(x: Scan, sPos: number, tPos: number, tMin: number): number {
  const { s, t } = x;
  const max = Math.min(sPos, tPos - tMin);
  let n = 0;
  while (n < max && s[sPos - n - 1] === t[tPos - n - 1]) n++;
  return n;
}

/** The best match found at one probe: target start, source start, length. */
class Best {
  tStart = 0;
  sStart = 0;
  length = 0;
  score = 0;

  reset(): void {
    this.length = 0;
    this.score = 0;
  }
}

/** Encoded cost of a copy's offset: 0 for the two cached offsets, else opcode-extra bytes. */
function offsetCost(sStart: number, lastEnd: number, cursor: number): number {
  if (sStart === cursor || sStart === lastEnd) return 0;
  return varintSize(zigzag(sStart - cursor));
}

function consider(
  x: Scan,
  best: Best,
  c: number,
  pos: number,
  litStart: number,
  lastEnd: number,
): void {
  const fwd = extendForward(x, c, pos, Math.min(x.s.length - c, x.t.length - pos));
  if (fwd < resumeCopyBytesMin) return;
  const back = extendBackward(x, c, pos, litStart);
  const tStart = pos - back;
  const sStart = c - back;
  const length = fwd + back;
  const cost = offsetCost(sStart, lastEnd, lastEnd + (tStart - litStart));
  // A far copy must pay for its offset bytes against a literal that compresses (text: to about
  // a third), and it moves the cursor away, so the copy after it usually needs an offset too.
  const minLength = cost === 0 ? resumeCopyBytesMin : explicitCopyBytesMin + 8 * (cost - 1);
  const score = length - cost;
  if (length < minLength || score <= best.score) return;
  best.tStart = tStart;
  best.sStart = sStart;
  best.length = length;
  best.score = score;
}

/** A candidate this long ends the chain walk: longer searches rarely pay for their time. */
const goodEnoughBytes = 256;

/**
 * Probes this close after a copy try the two resume points only, not the chain. In a compiled
 * binary most copies end at a changed address or offset of a few bytes, after which the copy
 * resumes at the cursor; walking the chain at each of those bytes cost more than the rest of the
 * search and seldom found a better copy (a far copy must be 16 B or longer, and one that starts
 * in these bytes is still found from a later probe and extended backward).
 */
const resumeOnlyBytes = 8;

function probe(
  x: Scan,
  index: SourceIndex,
  best: Best,
  pos: number,
  litStart: number,
  lastEnd: number,
  walkChain: boolean,
): void {
  best.reset();
  const n = x.s.length;
  const atCursor = lastEnd + (pos - litStart);
  if (atCursor < n) consider(x, best, atCursor, pos, litStart, lastEnd);
  if (lastEnd !== atCursor && lastEnd < n) consider(x, best, lastEnd, pos, litStart, lastEnd);
  if (!walkChain || pos + matchHashBytes > x.t.length) return;
  const h =
    Math.imul(
      x.tv.getInt32(pos, true) ^ Math.imul(x.tv.getInt32(pos + 4, true), 0x85ebca77),
      0x9e3779b1,
    ) >>> index.shift; // hash8 of the target at pos
  let slot = index.table[h] as number;
  const step = index.step;
  for (let i = 0; slot !== 0 && i < chainCandidatesMax; i++) {
    const c = (slot - 1) * step;
    // Quick reject: a candidate whose forward run cannot reach an explicit copy's minimum
    // length is not worth extending (backward bytes were probed before this position).
    const last = explicitCopyBytesMin - 1;
    if (x.s[c + last] === x.t[pos + last] && x.s[c] === x.t[pos] && x.s[c + 3] === x.t[pos + 3]) {
      consider(x, best, c, pos, litStart, lastEnd);
      if (best.length >= goodEnoughBytes) return;
    }
    slot = index.chain[slot] as number;
  }
}

/** Targets at least this long are sampled before the scan (a smaller one is scanned at once). */
const sampleTargetBytesMin = 64 * 1024;
/** Windows spread evenly over the target, each probed at one index step of positions in a row. */
const sampleWindowCount = 128;
/** A sampled match this long shows the target shares content with the source. */
const sampleMatchBytesMin = 48;

/**
 * True when no sampled window of the target matches the source: the block is unrelated, and
 * the full scan (up to ~20 ms of probing random data, ~90 ms on text that shares words but no
 * long runs) would find nothing worth a copy. Consecutive probes over one index step
 * find every match that covers a window, so a target with even 5 % of its bytes in long copies
 * passes with probability > 99.8 % (1 - 0.95^128); below that the literals decide the size.
 */
function looksUnrelated(x: Scan, index: SourceIndex, best: Best): boolean {
  const m = x.t.length;
  if (m < sampleTargetBytesMin) return false;
  const span = Math.floor(m / sampleWindowCount);
  for (let w = 0; w < sampleWindowCount; w++) {
    const start = w * span;
    for (let pos = start; pos < start + index.step; pos++) {
      probe(x, index, best, pos, pos, 0, true);
      if (best.length >= sampleMatchBytesMin) return false;
    }
  }
  return true;
}

/**
 * How far back over copies already chosen a new copy may extend (xdelta3's instruction buffer):
 * enough to replace the short, far copies the chain cap picks in a shifted stretch of text before
 * the probe meets the long match that covers them all. Bounds the extra byte comparisons.
 */
const retractBytesMax = 4096;

/** Copies chosen but not yet reported, in target order; the last ones may still be replaced. */
class PendingCopies {
  // Entries [head, count) of three parallel arrays; sent entries before `head` are dropped in
  // bulk (compact), not per copy: slicing on every push cost as much as the search on binaries.
  private t: number[] = [];
  private s: number[] = [];
  private len: number[] = [];
  private head = 0;
  private count = 0;
  /** Target offset up to which the sink has been fed; source end of its last copy. */
  private sentEnd = 0;
  private sentLastEnd = 0;
  /** Source end of the last chosen copy: the decoder's lastCopyEnd. */
  lastEnd = 0;

  constructor(private readonly sink: MatchSink) {}

  /** Target end of the last chosen copy (0 before the first). */
  get tEnd(): number {
    const n = this.count;
    return n === this.head ? this.sentEnd : (this.t[n - 1] as number) + (this.len[n - 1] as number);
  }

  push(tStart: number, sStart: number, length: number): void {
    const n = this.count++;
    this.t[n] = tStart;
    this.s[n] = sStart;
    this.len[n] = length;
    this.lastEnd = sStart + length;
    if (n - this.head >= 63) this.send(tStart - retractBytesMax);
  }

  /** Drops the chosen copies that start at or after `tMin`; returns the target end of the rest. */
  retract(tMin: number): number {
    while (this.count > this.head && (this.t[this.count - 1] as number) >= tMin) this.count--;
    const n = this.count;
    this.lastEnd =
      n === this.head ? this.sentLastEnd : (this.s[n - 1] as number) + (this.len[n - 1] as number);
    return this.tEnd;
  }

  /** Reports the copies that start before `tBefore`, with the literals between them. */
  send(tBefore: number): void {
    let i = this.head;
    for (; i < this.count && (this.t[i] as number) < tBefore; i++) {
      const t = this.t[i] as number;
      if (t > this.sentEnd) this.sink.add(this.sentEnd, t);
      this.sink.copy(this.s[i] as number, this.len[i] as number);
      this.sentEnd = t + (this.len[i] as number);
      this.sentLastEnd = (this.s[i] as number) + (this.len[i] as number);
    }
    this.head = i;
    if (i >= 4096) this.compact();
  }

  private compact(): void {
    const { head, count } = this;
    this.t.copyWithin(0, head, count);
    this.s.copyWithin(0, head, count);
    this.len.copyWithin(0, head, count);
    this.head = 0;
    this.count = count - head;
  }

  finish(targetLength: number): void {
    this.send(Number.POSITIVE_INFINITY);
    if (this.sentEnd < targetLength) this.sink.add(this.sentEnd, targetLength);
  }
}

/**
 * A match that reaches back to the end of the previous copy may cover earlier copies too (they
 * came from elsewhere in the source with the same bytes): drop those and start the match where
 * the bytes stop agreeing, at a copy boundary. Updates `best` in place.
 */
function reachBack(x: Scan, best: Best, pending: PendingCopies): void {
  const tStart = best.tStart;
  const back = extendBackward(x, best.sStart, tStart, Math.max(0, tStart - retractBytesMax));
  if (back === 0) return;
  const from = Math.max(tStart - back, pending.retract(tStart - back));
  best.tStart = from;
  best.sStart -= tStart - from;
  best.length += tStart - from;
}

/** Walks the target and reports literals and copies to `sink`, covering every target byte. */
export function findMatches(source: Uint8Array, target: Uint8Array, sink: MatchSink): void {
  const x: Scan = {
    s: source,
    t: target,
    sv: asView(source),
    tv: asView(target),
    sb: asBuffer(source),
    tb: asBuffer(target),
  };
  const m = target.length;
  // An unchanged block at the start of its source needs no index: one copy to the end.
  if (m >= resumeCopyBytesMin && extendForward(x, 0, 0, Math.min(source.length, m)) === m) {
    sink.copy(0, m);
    return;
  }
  const index = indexSource(source);
  const best = new Best();
  if (looksUnrelated(x, index, best)) {
    sink.add(0, m);
    return;
  }
  const pending = new PendingCopies(sink);
  let pos = 0;
  let litStart = 0;
  let misses = 0;
  while (pos + resumeCopyBytesMin <= m) {
    probe(
      x,
      index,
      best,
      pos,
      litStart,
      pending.lastEnd,
      litStart === 0 || pos - litStart >= resumeOnlyBytes,
    );
    if (best.length === 0) {
      misses++;
      const stride = 1 + (misses >> 6);
      pos += stride < probeStrideMax ? stride : probeStrideMax;
      continue;
    }
    if (best.tStart === litStart && litStart > 0) reachBack(x, best, pending);
    pending.push(best.tStart, best.sStart, best.length);
    pos = best.tStart + best.length;
    litStart = pos;
    misses = 0;
  }
  pending.finish(m);
}
