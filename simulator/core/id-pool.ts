// Ids for in-flight customers, reused through a free list, with per-id columns the model needs
// (arrival time, class, step, user shard). Memory grows with the number in system, not with
// the number of customers simulated, so 2e7-customer oracle runs stay at a few MB.

export class IdPool {
  startS = new Float64Array(1024);
  classIndex = new Uint8Array(1024);
  step = new Uint8Array(1024);
  tag = new Int32Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private next = 0;
  inUse = 0;

  acquire(): number {
    this.inUse++;
    if (this.freeCount > 0) return this.free[--this.freeCount]!;
    if (this.next === this.startS.length) this.grow();
    return this.next++;
  }

  release(id: number): void {
    this.inUse--;
    this.free[this.freeCount++] = id;
  }

  private grow(): void {
    const n = this.startS.length * 2;
    this.startS = copy(new Float64Array(n), this.startS);
    this.classIndex = copy(new Uint8Array(n), this.classIndex);
    this.step = copy(new Uint8Array(n), this.step);
    this.tag = copy(new Int32Array(n), this.tag);
    this.free = copy(new Int32Array(n), this.free);
  }
}

function copy<T extends Float64Array | Uint8Array | Int32Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
