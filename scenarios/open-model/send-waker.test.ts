// The send waker: once the intended time plus the slack has passed and the main thread has not
// moved it on, the worker thread wakes the event loop, exactly once per late send; with nothing
// scheduled, it never does. The test waits on the worker's own wake-ups (its counter), never for
// a fixed time, so a busy machine only makes it slower.
import { describe, expect, it } from "vitest";
import { SendWaker } from "./send-waker.ts";

/** Resolves once `done()` holds, checking every few ms; fails after `limitMs` with `what`. */
async function until(done: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline)
      throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("SendWaker", () => {
  it("wakes the loop once for a send that is late, and not while nothing is due", async () => {
    let wakes = 0;
    let woken!: () => void;
    const wokenOnce = new Promise<void>((resolve) => (woken = resolve));
    const waker: SendWaker = new SendWaker(() => {
      wakes++;
      waker.set(undefined); // as the driver does: the late send went, nothing is due any more
      woken();
    }, 0.2);
    try {
      // The worker has looked at least twice and found nothing due.
      await until(() => waker.counts.workerWakeCount >= 3, "the idle worker's wake-ups");
      expect(wakes).toBe(0);
      waker.set(performance.now() + 5);
      await wokenOnce;
      // Two more looks of the worker after the wake: a second message would have been posted by then.
      const seen = waker.counts.workerWakeCount;
      await until(() => waker.counts.workerWakeCount >= seen + 2, "the worker's next wake-ups");
      expect(wakes).toBe(1);
      expect(waker.counts.postCount).toBe(1);
    } finally {
      await waker.close();
    }
  });
});
