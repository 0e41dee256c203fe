// A sub-millisecond alarm for the open-model driver's scheduler. Node's timers have 1 ms
// granularity, so a send that falls due while the event loop sleeps is up to 1-2 ms late, and
// polling with setImmediate instead cost a whole core (measured: 0.6 core more at 20K req/s).
// This worker thread sleeps in Atomics.wait (microsecond timeouts) until the next intended send
// plus `slackMs`; if the main thread has not moved that send on by then (responses arriving
// usually make it fire sends itself), the worker posts one message, which wakes the loop. Its
// CPU is the process's, so the driver's "generator cores" include it.
import { Worker } from "node:worker_threads";

/** The worker, plain CommonJS so that it needs no TypeScript loader. */
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const due = new Float64Array(workerData.buffer, 0, 1);
// [0] stop, [1] wake outstanding, [2] the worker's wake-ups, [3] messages posted
const flags = new Int32Array(workerData.buffer, 8, 4);
const slackMs = workerData.slackMs;
const idleWaitMs = 50;
// The main thread's performance.now() clock, read from this thread's (their origins differ).
const originShiftMs = performance.timeOrigin - workerData.mainTimeOriginMs;
const nowMs = () => performance.now() + originShiftMs;
while (Atomics.load(flags, 0) === 0) {
  flags[2]++;
  const dueMs = due[0];
  if (Number.isNaN(dueMs)) {
    Atomics.wait(flags, 0, 0, idleWaitMs);
    continue;
  }
  const waitMs = dueMs + slackMs - nowMs();
  if (waitMs > 0) {
    Atomics.wait(flags, 0, 0, Math.min(waitMs, idleWaitMs));
    continue;
  }
  if (Atomics.compareExchange(flags, 1, 0, 1) === 0) {
    flags[3]++;
    parentPort.postMessage(0);
  }
  Atomics.wait(flags, 0, 0, slackMs);
}
`;

export class SendWaker {
  private readonly buffer = new SharedArrayBuffer(24);
  /** The next intended send on this thread's performance.now() clock, ms; NaN when none. A torn
   * read of this aligned float cannot happen on x86-64 or arm64, and would cost one early wake. */
  private readonly due = new Float64Array(this.buffer, 0, 1).fill(Number.NaN);
  private readonly flags = new Int32Array(this.buffer, 8, 4);
  private readonly worker: Worker;

  constructor(onWake: () => void, slackMs: number) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: { buffer: this.buffer, slackMs, mainTimeOriginMs: performance.timeOrigin },
    });
    this.worker.on("message", () => {
      onWake(); // fires the due sends and sets the next due time
      Atomics.store(this.flags, 1, 0); // only now may the worker wake the loop again
    });
    this.worker.on("error", (error) => {
      throw new Error(`the send waker's worker thread failed: ${error.message}`, { cause: error });
    });
    this.worker.unref();
  }

  /** The next send is intended at `performanceNowMs` (performance.now() clock); undefined: none. */
  set(performanceNowMs: number | undefined): void {
    this.due[0] = performanceNowMs ?? Number.NaN;
  }

  /** How often the worker woke (its own timeouts) and how often it woke the main thread. */
  get counts(): { workerWakeCount: number; postCount: number } {
    return { workerWakeCount: Atomics.load(this.flags, 2), postCount: Atomics.load(this.flags, 3) };
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    Atomics.store(this.flags, 0, 1);
    Atomics.notify(this.flags, 0);
    await exited;
  }
}
