// The design's reconnect policy: exponential backoff from 0.5 s, capped at 30 s, with full jitter
// (the delay is uniform in [0, min(cap, base x 2^attempt))), so a fleet that lost its server at
// once does not come back at once.
export const reconnectBackoff = { baseMs: 500, capMs: 30_000 } as const;

/** Delay before reconnect attempt `attempt` (0 for the first retry); random is uniform in [0, 1). */
export function fullJitterDelayMs(
  attempt: number,
  random: () => number,
  policy: { baseMs: number; capMs: number } = reconnectBackoff,
): number {
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return random() * ceilingMs;
}
