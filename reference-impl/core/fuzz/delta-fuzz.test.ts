// A bounded slice of the decoder fuzzer (the full run is `npm run fuzz:delta`, >= 1M deltas):
// every mutated delta must decode within its limit or fail with a DELTA_*/CHUNK_* code.
import { brotliDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ByteReader } from "../wire.ts";
import { runFuzz, seedCases } from "./mutate.ts";

describe("delta decoder fuzz slice", () => {
  it("seeds every body mode, and a brotli body that is one ADD of the whole target", () => {
    const cases = seedCases(7);
    const modes = new Set(cases.map((c) => (c.delta[1] as number) & 15));
    expect([...modes].sort()).toEqual([0, 1, 2, 3]);
    for (const { delta } of cases.slice(-2)) {
      expect(delta[1]).toBe(0x13); // version 1, brotli
      const r = new ByteReader(delta, 2);
      const targetLength = r.varint("target length");
      const split = brotliDecompressSync(delta.subarray(r.pos));
      // ops section of 2 B (one ADD: 0x20 | low bits, then the high bits), no offsets.
      expect([split[0], split[1]! >>> 6, split[3], split.length]).toEqual([
        2,
        0,
        0,
        4 + targetLength,
      ]);
    }
  });

  it("rejects or decodes 20 000 mutated deltas without a crash", () => {
    const report = runFuzz(7, 20_000);
    expect(report.iterations).toBe(20_000);
    expect(report.accepted).toBeGreaterThan(0);
    expect(Object.keys(report.rejectedByCode).length).toBeGreaterThan(3);
  });
});
