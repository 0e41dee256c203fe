// The CDN edge cache: an LRU of bounded size over content-addressed blocks (immutable, so no
// invalidation), fed by shared requests (Zipf popularity over a catalogue) and private ones
// (a user's own blocks: the first device misses, the user's other 2-3 devices re-fetch soon
// after). State is typed arrays: an open-addressing hash of block → slot and a doubly linked
// recency list, so 1e6-block caches cost ~20 MB and no object per block.
// Oracle: Che's approximation for LRU under the independent reference model (Che, Tung & Wang
// 2002; Fricker, Robert & Roberts 2012): h_i = 1 − e^{−p_i·T_C}, Σ_i (1 − e^{−p_i·T_C}) = C.
import { Rng, ZipfSampler } from "../../reference-impl/core/random.ts";

export class LruCache {
  private readonly keys: Int32Array; // hash table: block id + 1, 0 = empty
  private readonly slotOf: Int32Array;
  private readonly slotKey: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;
  private head = -1;
  private tail = -1;
  size = 0;

  constructor(readonly capacity: number) {
    let tableSize = 1;
    while (tableSize < capacity * 2) tableSize <<= 1;
    this.mask = tableSize - 1;
    this.keys = new Int32Array(tableSize);
    this.slotOf = new Int32Array(tableSize);
    this.slotKey = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Look up block `key` (≥ 0); true on a hit. A miss inserts it, evicting the LRU block. */
  access(key: number): boolean {
    let i = this.find(key);
    if (this.keys[i] !== 0) {
      this.moveToFront(this.slotOf[i]!);
      return true;
    }
    let slot: number;
    if (this.size < this.capacity) slot = this.size++;
    else {
      slot = this.tail;
      this.unlink(slot);
      this.remove(this.slotKey[slot]!);
      i = this.find(key);
    }
    this.keys[i] = key + 1;
    this.slotOf[i] = slot;
    this.slotKey[slot] = key;
    this.pushFront(slot);
    return false;
  }

  private find(key: number): number {
    let i = (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
    while (this.keys[i] !== 0 && this.keys[i] !== key + 1) i = (i + 1) & this.mask;
    return i;
  }

  /** Linear-probing deletion by backward shift (Knuth 6.4, algorithm R). */
  private remove(key: number): void {
    let i = this.find(key);
    this.keys[i] = 0;
    for (let j = (i + 1) & this.mask; this.keys[j] !== 0; j = (j + 1) & this.mask) {
      const home = (Math.imul(this.keys[j]! - 1, 0x9e3779b1) >>> 0) & this.mask;
      if (((j - home) & this.mask) >= ((j - i) & this.mask)) {
        this.keys[i] = this.keys[j]!;
        this.slotOf[i] = this.slotOf[j]!;
        this.keys[j] = 0;
        i = j;
      }
    }
  }

  private moveToFront(slot: number): void {
    if (slot === this.head) return;
    this.unlink(slot);
    this.pushFront(slot);
  }
  private unlink(slot: number): void {
    const p = this.prev[slot]!,
      n = this.next[slot]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }
  private pushFront(slot: number): void {
    this.prev[slot] = -1;
    this.next[slot] = this.head;
    if (this.head >= 0) this.prev[this.head] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }
}

export interface CdnWorkload {
  readonly catalogueBlocks: number;
  readonly zipfSkew: number;
  readonly cacheBlocks: number;
  readonly sharedFraction: number;
  readonly devicesPerUser: number;
  /** Private re-fetches pick among this many most recent private blocks. */
  readonly recentPrivateBlocks: number;
  readonly requests: number;
  readonly warmupRequests: number;
  readonly seed: number;
}

export function simulateCdn(w: CdnWorkload): {
  hitRate: number;
  sharedHitRate: number;
  requests: number;
} {
  const rng = new Rng(w.seed).fork(`cdn`);
  const zipf = new ZipfSampler(w.catalogueBlocks, w.zipfSkew, rng.fork("popularity"));
  const cache = new LruCache(w.cacheBlocks);
  const recent = new Int32Array(w.recentPrivateBlocks);
  let privateNext = 0,
    hits = 0,
    sharedHits = 0,
    shared = 0;
  const privateBase = w.catalogueBlocks + 1;
  for (let r = 0; r < w.warmupRequests + w.requests; r++) {
    const isShared = rng.uniform() < w.sharedFraction;
    let key: number;
    if (isShared) key = zipf.sample();
    else if (privateNext === 0 || rng.uniform() < 1 / w.devicesPerUser) {
      key = privateBase + (privateNext % 1_000_000_000);
      recent[privateNext++ % recent.length] = key;
    } else key = recent[rng.below(Math.min(privateNext, recent.length))]!;
    const hit = cache.access(key);
    if (r < w.warmupRequests) continue;
    if (hit) hits++;
    if (isShared) {
      shared++;
      if (hit) sharedHits++;
    }
  }
  return {
    hitRate: hits / w.requests,
    sharedHitRate: shared > 0 ? sharedHits / shared : NaN,
    requests: w.requests,
  };
}

/** Che's approximation of the LRU hit rate for Zipf(n, s) popularity and capacity C. */
export function cheHitRate(n: number, s: number, capacity: number): number {
  const p = new Float64Array(n);
  let h = 0;
  for (let k = 1; k <= n; k++) h += p[k - 1] = k ** -s;
  for (let k = 0; k < n; k++) p[k]! /= h;
  const occupancy = (t: number) => {
    let x = 0;
    for (let k = 0; k < n; k++) x += 1 - Math.exp(-p[k]! * t);
    return x;
  };
  let lo = 0,
    hi = 1;
  while (occupancy(hi) < capacity) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (occupancy(mid) < capacity) lo = mid;
    else hi = mid;
  }
  let hit = 0;
  for (let k = 0; k < n; k++) hit += p[k]! * (1 - Math.exp(-p[k]! * lo));
  return hit;
}
