// Retry-After in both of RFC 9110's forms, capped, and undefined for what is not one.
import { describe, expect, it } from "vitest";
import { overloadLimits } from "../core/limits.ts";
import { retryAfterMs } from "./retry-after.ts";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-12-07T03:00:00Z");
  it("reads delay-seconds and an HTTP-date", () => {
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Mon, 07 Dec 2026 03:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Mon, 07 Dec 2026 02:59:00 GMT", now)).toBe(0);
  });
  it("caps a long wait at the limit", () => {
    expect(retryAfterMs("86400", now)).toBe(overloadLimits.retryAfterMsMax);
    expect(retryAfterMs(String(overloadLimits.retryAfterMsMax / 1000 + 1), now)).toBe(
      overloadLimits.retryAfterMsMax,
    );
  });
  it("is undefined when absent or not a delay", () => {
    for (const bad of [null, undefined, "", "-1", "1.5", "soon", "9999999999"])
      expect(retryAfterMs(bad, now)).toBeUndefined();
  });
});
