// Checks the cost model of the upload-init side-channel mitigation against its closed forms, and
// pins the figures decision 0003 quotes (so the record and the code cannot drift apart).
import { describe, expect, it } from "vitest";
import { extraUploadsPerBlock, mitigationCost } from "./side-channel-cost.ts";

describe("side-channel mitigation cost", () => {
  it("a block with one copy costs nothing; one with >= d copies gives up d/2 uploads on average", () => {
    expect(extraUploadsPerBlock(1, 10)).toBe(0);
    expect(extraUploadsPerBlock(10, 10)).toBe(5);
    expect(extraUploadsPerBlock(1000, 20)).toBe(10);
    expect(extraUploadsPerBlock(3, 5)).toBeCloseTo((1 + 2 + 2 + 2) / 4, 12); // t = 2, 3, 4, 5
  });

  it("reproduces the figures of design/decisions/0003 (power-law copies, up to 100,000)", () => {
    const row = (alpha: number, d: number) => {
      const c = mitigationCost({ alpha, copiesMax: 100_000 }, d);
      return [c.dedupSavingFraction, c.savingGivenUpFraction, c.extraUploadFraction].map(
        (x) => Math.round(x * 1000) / 10,
      );
    };
    expect(row(2.6, 5)).toEqual([42.8, 47.7, 20.4]);
    expect(row(2.6, 10)).toEqual([42.8, 59.6, 25.5]);
    expect(row(3, 5)).toEqual([26.9, 64.6, 17.4]);
    expect(row(2, 10)).toEqual([86.4, 15.5, 13.4]);
  });
});
