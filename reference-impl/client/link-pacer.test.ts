// The pacer on a manual clock: a body leaves in slices, each no sooner than the link would have
// carried the bytes up to its end, so the whole body takes bytes x 8 / rate; the bytes are the
// body's, in order; an out-of-range link speed is refused.
import { describe, expect, it } from "vitest";
import { checkLinkMbps, linkMs, pacedBody, pacerLimits } from "./link-pacer.ts";

function manualClock() {
  let nowMs = 0;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    sleeps,
    get nowMs() {
      return nowMs;
    },
  };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe("link pacer", () => {
  it("takes bytes x 8 / rate for the whole body and keeps its bytes in order", async () => {
    const body = new Uint8Array(4 * pacerLimits.sliceBytes + 123).map((_, i) => i % 251);
    const clock = manualClock();
    const out = await drain(pacedBody(body, 100, clock));
    expect(Buffer.compare(out, body)).toBe(0);
    expect(clock.nowMs).toBeCloseTo(linkMs(body.length, 100), 6);
    expect(clock.sleeps).toHaveLength(5); // one wait per slice
  });

  it("reads a 4 MiB block at 100 Mbps as about a third of a second", () => {
    expect(linkMs(4 * 1024 * 1024, 100)).toBeCloseTo(335.54, 1);
  });

  it("sends an empty body at once", async () => {
    const clock = manualClock();
    expect((await drain(pacedBody(new Uint8Array(0), 100, clock))).length).toBe(0);
    expect(clock.nowMs).toBe(0);
  });

  it("refuses a link speed out of range", () => {
    expect(() => checkLinkMbps(0)).toThrow(/link speed must be/);
    expect(() => checkLinkMbps(Number.NaN)).toThrow(/got NaN/);
    expect(() => checkLinkMbps(pacerLimits.linkMbpsMax + 1)).toThrow(RangeError);
    expect(() => checkLinkMbps(100)).not.toThrow();
  });
});
