// A bounded slice of the decoder fuzzer (the full run is `npm run fuzz:delta`, >= 1M deltas):
// every mutated delta must decode within its limit or fail with a DELTA_*/CHUNK_* code.
import { describe, expect, it } from "vitest";
import { runFuzz } from "./mutate.ts";

describe("delta decoder fuzz slice", () => {
  it("rejects or decodes 20 000 mutated deltas without a crash", () => {
    const report = runFuzz(7, 20_000);
    expect(report.iterations).toBe(20_000);
    expect(report.accepted).toBeGreaterThan(0);
    expect(Object.keys(report.rejectedByCode).length).toBeGreaterThan(3);
  });
});
