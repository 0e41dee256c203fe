// The bench's floor: the smallest event loop that runs the same M/M/1 as simulateMgc. A binary
// min-heap over typed arrays ordered by (time, sequence), the model written inline (no handler
// table, no station, no id pool, no histogram: a FIFO of arrival times and a sum of sojourns),
// and the same PRNG streams ("arrivals", "service") as simulateMgc, so both runs draw the same
// sample path and end with the same mean sojourn: the bench checks that before it compares speed.
// What the core does beyond this (generic handlers, stations with waits and time integrals,
// histograms for percentiles) is the overhead the bench's ratio measures.
import { Rng } from "../../reference-impl/core/random.ts";
import { Histogram } from "../core/histogram.ts";

const arrivalKind = 0;
const departureKind = 1;

export interface FloorResult {
  readonly events: number;
  readonly meanSojournS: number;
}

class MinimalHeap {
  times = new Float64Array(64);
  sequences = new Float64Array(64);
  kinds = new Int32Array(64);
  size = 0;
  private sequence = 0;

  push(time: number, kind: number): void {
    if (this.size === this.times.length) this.grow();
    const sequence = this.sequence++;
    const times = this.times,
      sequences = this.sequences,
      kinds = this.kinds;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && sequences[parent]! < sequence)) break;
      times[i] = pt;
      sequences[i] = sequences[parent]!;
      kinds[i] = kinds[parent]!;
      i = parent;
    }
    times[i] = time;
    sequences[i] = sequence;
    kinds[i] = kind;
  }

  /** Removes the earliest event; its time is times[0] before the call. */
  pop(): number {
    const times = this.times,
      sequences = this.sequences,
      kinds = this.kinds;
    const top = kinds[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const time = times[n]!,
      sequence = sequences[n]!,
      kind = kinds[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (times[right]! < times[child]! ||
          (times[right] === times[child] && sequences[right]! < sequences[child]!))
      )
        child = right;
      const ct = times[child]!;
      if (time < ct || (time === ct && sequence < sequences[child]!)) break;
      times[i] = ct;
      sequences[i] = sequences[child]!;
      kinds[i] = kinds[child]!;
      i = child;
    }
    times[i] = time;
    sequences[i] = sequence;
    kinds[i] = kind;
    return top;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n),
      sequences = new Float64Array(n),
      kinds = new Int32Array(n);
    times.set(this.times);
    sequences.set(this.sequences);
    kinds.set(this.kinds);
    this.times = times;
    this.sequences = sequences;
    this.kinds = kinds;
  }
}

/** M/M/1 with arrival rate λ, service rate 1, `customers` arrivals, drained at the end. */
export function runHeapFloor(options: {
  arrivalRatePerS: number;
  customers: number;
  seed: number;
}): FloorResult {
  const rng = new Rng(options.seed);
  const arrivals = rng.fork("arrivals"),
    service = rng.fork("service");
  const meanInterarrivalS = 1 / options.arrivalRatePerS;
  const heap = new MinimalHeap();
  const sojourn = new Histogram();
  let fifo: Float64Array = new Float64Array(1024); // arrival times of the waiting customers, a ring
  let head = 0,
    waiting = 0,
    busy = false,
    generated = 0,
    events = 0,
    sum = 0,
    done = 0,
    arrivedS = 0;
  heap.push(-Math.log(arrivals.uniform()) * meanInterarrivalS, arrivalKind);
  while (heap.size > 0) {
    const now = heap.times[0]!;
    const kind = heap.pop();
    events++;
    if (kind === arrivalKind) {
      generated++;
      if (busy) {
        if (waiting === fifo.length) [fifo, head] = [unwrap(fifo, head), 0];
        fifo[(head + waiting++) & (fifo.length - 1)] = now;
      } else {
        busy = true;
        arrivedS = now;
        heap.push(now - Math.log(service.uniform()), departureKind);
      }
      if (generated < options.customers)
        heap.push(now - Math.log(arrivals.uniform()) * meanInterarrivalS, arrivalKind);
    } else {
      sum += now - arrivedS;
      sojourn.record(now - arrivedS);
      done++;
      if (waiting > 0) {
        arrivedS = fifo[head]!;
        head = (head + 1) & (fifo.length - 1);
        waiting--;
        heap.push(now - Math.log(service.uniform()), departureKind);
      } else busy = false;
    }
  }
  return { events, meanSojournS: sum / done };
}

/** A full ring, copied in order into one twice its size. */
function unwrap(fifo: Float64Array, head: number): Float64Array {
  const next = new Float64Array(fifo.length * 2);
  next.set(fifo.subarray(head));
  next.set(fifo.subarray(0, head), fifo.length - head);
  return next;
}
