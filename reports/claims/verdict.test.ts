// The ledger's conventions: a stated figure read at its precision, and a claim's verdict from
// its parts (a contradiction outranks a failure, which outranks a part still to measure).
import { describe, expect, it } from "vitest";
import { combine, roundsTo, statedInterval, type Part } from "./verdict.ts";

const part = (verdict: Part["verdict"]): Part => ({
  method: "arithmetic",
  verdict,
  figures: [],
  steps: [],
  sources: [],
});

describe("verdict conventions", () => {
  it("reads a stated figure at its significant digits", () => {
    expect(statedInterval(20_000)).toMatchObject({ low: 15_000, high: 25_000, digits: 1 });
    expect(statedInterval(67)).toMatchObject({ low: 66.5, high: 67.5, digits: 2 });
    expect(statedInterval(0.3).high).toBeCloseTo(0.35);
    expect(roundsTo(66.67, 67)).toBe(true);
    expect(roundsTo(68, 67)).toBe(false);
    expect(roundsTo(239, 250)).toBe(false);
    expect(roundsTo(10_937_500, 11_000_000)).toBe(true);
  });

  it("combines parts: inconsistent > fails > not-measured > unverifiable > holds", () => {
    expect(combine([part("holds"), part("inconsistent"), part("fails")])).toBe("inconsistent");
    expect(combine([part("holds"), part("fails"), part("not-measured")])).toBe("fails");
    expect(combine([part("holds"), part("not-measured")])).toBe("not-measured");
    expect(combine([part("holds"), part("unverifiable")])).toBe("unverifiable");
    expect(combine([part("holds"), part("holds")])).toBe("holds");
  });
});
