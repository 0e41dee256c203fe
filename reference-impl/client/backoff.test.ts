// The reconnect backoff: full jitter under a ceiling that doubles from 0.5 s up to 30 s.
import { describe, expect, it } from "vitest";
import { fullJitterDelayMs, reconnectBackoff } from "./backoff.ts";

describe("fullJitterDelayMs", () => {
  it("spans [0, min(30 s, 0.5 s x 2^attempt)) and never exceeds the cap", () => {
    expect(fullJitterDelayMs(0, () => 0)).toBe(0);
    expect(fullJitterDelayMs(0, () => 0.999)).toBeCloseTo(499.5);
    expect(fullJitterDelayMs(3, () => 0.5)).toBe(2000);
    expect(fullJitterDelayMs(10, () => 0.999)).toBeCloseTo(reconnectBackoff.capMs * 0.999);
    expect(fullJitterDelayMs(1_000, () => 0.999)).toBeLessThan(reconnectBackoff.capMs);
  });
});
