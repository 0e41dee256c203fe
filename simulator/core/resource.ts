// Resources: a multi-server station (c servers, FIFO within each of up to 8 priority classes,
// non-preemptive, optional waiting-room limit for loss systems such as Erlang B) whose state
// lives in typed arrays. Customers are integer ids owned by the model; the station schedules
// its own completion events and calls back `onDone(id)`. It integrates the number in system
// and the busy servers over time, so utilisation and Little's law L = λW come for free.
import { Environment } from "./environment.ts";
import { Histogram } from "./histogram.ts";

/** A growable FIFO ring of (id, entry time). */
export class RingQueue {
  private ids = new Int32Array(64);
  private times = new Float64Array(64);
  private head = 0;
  size = 0;

  push(id: number, time: number): void {
    if (this.size === this.ids.length) this.grow();
    const tail = (this.head + this.size) & (this.ids.length - 1);
    this.ids[tail] = id;
    this.times[tail] = time;
    this.size++;
  }

  /** Entry time of the head; call before shift(). */
  headTime(): number {
    return this.times[this.head]!;
  }

  shift(): number {
    const id = this.ids[this.head]!;
    this.head = (this.head + 1) & (this.ids.length - 1);
    this.size--;
    return id;
  }

  private grow(): void {
    const n = this.ids.length;
    const ids = new Int32Array(n * 2),
      times = new Float64Array(n * 2);
    for (let i = 0; i < this.size; i++) {
      ids[i] = this.ids[(this.head + i) & (n - 1)]!;
      times[i] = this.times[(this.head + i) & (n - 1)]!;
    }
    this.ids = ids;
    this.times = times;
    this.head = 0;
  }
}

export interface StationOptions {
  readonly name: string;
  readonly servers: number;
  /** Service time of customer `id`, drawn when its service starts. */
  readonly serviceS: (id: number) => number;
  /** Waiting places beyond the servers; 0 makes a loss system (M/G/c/c). Default unbounded. */
  readonly queueMax?: number;
  readonly priorityLevels?: number;
  /**
   * A completion kind shared by many stations (a network of 200 shard and partition queues
   * would exceed the 32 event kinds); the owner's handler then calls complete(id).
   */
  readonly sharedDoneKind?: number;
}

export class Station {
  readonly name: string;
  readonly servers: number;
  onDone: (id: number) => void = () => {};
  onBlocked: (id: number) => void = () => {};
  busy = 0;
  arrivals = 0;
  completions = 0;
  blocked = 0;
  /** Waiting times in queue (seconds) of customers that started service since the last reset. */
  waits = new Histogram();
  /** Arrivals since the last reset (the offered load's count). */
  arrivalsSinceReset = 0;
  private readonly queues: RingQueue[];
  private readonly serviceS: (id: number) => number;
  private readonly queueMax: number;
  private readonly doneKind: number;
  private waiting = 0;
  private lastChange = 0;
  private busyArea = 0;
  private numberArea = 0;
  private statsStart = 0;

  constructor(
    private readonly env: Environment,
    options: StationOptions,
  ) {
    if (!(options.servers >= 1) || !Number.isInteger(options.servers)) {
      throw new RangeError(
        `station ${options.name}: servers must be an integer ≥ 1, got ${options.servers}`,
      );
    }
    this.name = options.name;
    this.servers = options.servers;
    this.serviceS = options.serviceS;
    this.queueMax = options.queueMax ?? Infinity;
    const levels = options.priorityLevels ?? 1;
    this.queues = Array.from({ length: levels }, () => new RingQueue());
    this.doneKind =
      options.sharedDoneKind ?? env.register(`${options.name}.done`, (id) => this.complete(id));
  }

  /** Customer `id` arrives now, with priority class 0 (first served) .. levels-1. */
  arrive(id: number, priority = 0): void {
    this.advance();
    this.arrivals++;
    this.arrivalsSinceReset++;
    if (this.busy < this.servers) {
      this.busy++;
      this.waits.record(0);
      this.env.schedule(this.serviceS(id), this.doneKind, id);
    } else if (this.waiting < this.queueMax) {
      this.waiting++;
      this.queues[priority]!.push(id, this.env.now);
    } else {
      this.blocked++;
      this.onBlocked(id);
    }
  }

  /** Customer `id` finished service (called by the completion event). */
  complete(id: number): void {
    this.advance();
    this.completions++;
    if (this.waiting > 0) {
      const queue = this.nextQueue();
      this.waits.record(this.env.now - queue.headTime());
      const next = queue.shift();
      this.waiting--;
      this.env.schedule(this.serviceS(next), this.doneKind, next);
    } else {
      this.busy--;
    }
    this.onDone(id);
  }

  private nextQueue(): RingQueue {
    const queues = this.queues;
    for (let i = 0; i < queues.length; i++) if (queues[i]!.size > 0) return queues[i]!;
    throw new Error(`station ${this.name}: waiting=${this.waiting} but every queue is empty`);
  }

  private advance(): void {
    const now = this.env.now,
      dt = now - this.lastChange;
    this.busyArea += dt * this.busy;
    this.numberArea += dt * (this.busy + this.waiting);
    this.lastChange = now;
  }

  get queueLength(): number {
    return this.waiting;
  }

  /** Restart the time integrals, the wait histogram and the arrival count (end of warm-up). */
  resetStats(): void {
    this.advance();
    this.waits = new Histogram();
    this.arrivalsSinceReset = 0;
    this.busyArea = 0;
    this.numberArea = 0;
    this.statsStart = this.env.now;
  }

  /** Time-average utilisation and number in system since the last reset. */
  averages(): { utilisation: number; numberInSystem: number; busyServers: number } {
    this.advance();
    const span = this.env.now - this.statsStart;
    const busy = span > 0 ? this.busyArea / span : 0;
    return {
      utilisation: busy / this.servers,
      busyServers: busy,
      numberInSystem: span > 0 ? this.numberArea / span : 0,
    };
  }
}
