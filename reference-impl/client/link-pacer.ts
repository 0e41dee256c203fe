// Client-side pacing to a link speed: the design's upload times assume a 100 Mbps link (C27, C34),
// and loopback is thousands of times faster, so an upload body is released in slices no sooner
// than the link would have carried them. Each slice leaves when the bytes up to its end would
// have crossed the link, so a body of B bytes takes B x 8 / rate from its first slice to its last
// (on top of whatever the stack takes). The pacing is real time on the wire, not a figure scaled
// afterwards. Requests go one at a time (the client's uploads are sequential), so one pacer per
// body is the link's whole use.

export const pacerLimits = { linkMbpsMin: 0.1, linkMbpsMax: 100_000, sliceBytes: 64 * 1024 };

/** Milliseconds a link of `linkMbps` takes to carry `bytes` (decimal megabits, as sold). */
export function linkMs(bytes: number, linkMbps: number): number {
  return (bytes * 8) / (linkMbps * 1e3);
}

export function checkLinkMbps(linkMbps: number): void {
  if (
    !Number.isFinite(linkMbps) ||
    linkMbps < pacerLimits.linkMbpsMin ||
    linkMbps > pacerLimits.linkMbpsMax
  ) {
    throw new RangeError(
      `link speed must be ${pacerLimits.linkMbpsMin}..${pacerLimits.linkMbpsMax} Mbps, ` +
        `got ${linkMbps}`,
    );
  }
}

/**
 * `bytes` as a stream whose slices are released at `linkMbps`, timed from the first pull. `now`
 * and `sleep` are injected so a test can run it on a manual clock.
 */
export function pacedBody(
  bytes: Uint8Array,
  linkMbps: number,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> } = systemClock,
): ReadableStream<Uint8Array> {
  checkLinkMbps(linkMbps);
  let offset = 0;
  let startMs: number | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      startMs ??= clock.now();
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(bytes.length, offset + pacerLimits.sliceBytes);
      const dueMs = startMs + linkMs(end, linkMbps);
      const waitMs = dueMs - clock.now();
      if (waitMs > 0) await clock.sleep(waitMs);
      controller.enqueue(bytes.subarray(offset, end));
      offset = end;
    },
  });
}

const systemClock = {
  now: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
