// The pending-event set: a binary min-heap over parallel typed arrays (16 bytes per event plus
// an f64 rank), ordered by (time, priority, sequence) exactly as SimPy's core.py orders
// (time, priority, eid). No object is allocated per event; equal-time events never depend on
// heap internals because the sequence number comes from a counter.
// Field note (notes/simulation.md): a 4-ary heap did not help in V8, so binary it is.

/** Priorities: lower runs first at equal time (SimPy: URGENT = 0, NORMAL = 1). */
export const priorityUrgent = 0;
export const priorityNormal = 1;
const priorityMax = 255;
const rankScale = 2 ** 44; // rank = priority · 2^44 + sequence, exact below 2^53

export class EventQueue {
  private times: Float64Array;
  private ranks: Float64Array;
  private payloads: Int32Array;
  private count = 0;
  private sequence = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.ranks = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Infinity;
  }

  push(time: number, payload: number, priority = priorityNormal): void {
    if (this.count === this.times.length) this.grow();
    if (priority < 0 || priority > priorityMax)
      throw new RangeError(`priority ${priority} not in 0..255`);
    const rank = priority * rankScale + this.sequence++;
    const times = this.times,
      ranks = this.ranks,
      payloads = this.payloads;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && ranks[parent]! < rank)) break;
      times[i] = pt;
      ranks[i] = ranks[parent]!;
      payloads[i] = payloads[parent]!;
      i = parent;
    }
    times[i] = time;
    ranks[i] = rank;
    payloads[i] = payload;
  }

  /** Remove the earliest event and return its payload; its time is `lastTime` afterwards. */
  pop(): number {
    const times = this.times,
      ranks = this.ranks,
      payloads = this.payloads;
    const top = payloads[0]!;
    this.lastTime = times[0]!;
    const n = --this.count;
    if (n > 0) this.siftDown(times[n]!, ranks[n]!, payloads[n]!, n);
    return top;
  }

  lastTime = 0;

  private siftDown(time: number, rank: number, payload: number, n: number): void {
    const times = this.times,
      ranks = this.ranks,
      payloads = this.payloads;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const ct = times[child]!,
          rt = times[right]!;
        if (rt < ct || (rt === ct && ranks[right]! < ranks[child]!)) child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && rank < ranks[child]!)) break;
      times[i] = ct;
      ranks[i] = ranks[child]!;
      payloads[i] = payloads[child]!;
      i = child;
    }
    times[i] = time;
    ranks[i] = rank;
    payloads[i] = payload;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity),
      ranks = new Float64Array(capacity);
    const payloads = new Int32Array(capacity);
    times.set(this.times);
    ranks.set(this.ranks);
    payloads.set(this.payloads);
    this.times = times;
    this.ranks = ranks;
    this.payloads = payloads;
  }

  /** Bytes held by the arrays (for memory reports). */
  get bytes(): number {
    return this.times.byteLength + this.ranks.byteLength + this.payloads.byteLength;
  }
}
