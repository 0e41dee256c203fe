// The send waker: once the intended time plus the slack has passed and the main thread has not
// moved it on, the worker thread wakes the event loop, exactly once per late send; with nothing
// scheduled, it never does.
import { describe, expect, it } from "vitest";
import { SendWaker } from "./send-waker.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      await sleep(100);
      expect(wakes).toBe(0);
      waker.set(performance.now() + 5);
      await wokenOnce;
      await sleep(100);
      expect(wakes).toBe(1);
      expect(waker.counts.postCount).toBe(1);
      expect(waker.counts.workerWakeCount).toBeGreaterThan(1);
    } finally {
      await waker.close();
    }
  });
});
