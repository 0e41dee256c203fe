// The edit workloads' measurement: unchanged blocks cost nothing, a changed block costs its
// delta, a block past the old end costs itself whole; the sequences are seeded (same seed, same
// samples). Small blocks keep the test fast; the command runs the real 4 MiB block.
import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { measureEdit, runEditWorkloads } from "./edit-workloads.ts";

describe("edit workloads", () => {
  it("counts changed blocks, their deltas and whole sizes", () => {
    const rng = new Rng(7);
    const before = rng.bytes(3 * 4096);
    const after = before.slice();
    after[5000] = (after[5000]! + 1) % 256;
    const one = measureEdit(before, after, 4096);
    expect(one).toMatchObject({ changedBytes: 1, changedBlocksCount: 1, wholeBlocksBytes: 4096 });
    expect(one.deltaBytes).toBeLessThan(100);
    const grown = new Uint8Array(4 * 4096);
    grown.set(before);
    expect(measureEdit(before, grown, 4096)).toMatchObject({
      changedBlocksCount: 1,
      deltaBytes: 4096,
      wholeBlocksBytes: 4096,
    });
    expect(measureEdit(before, before, 4096).changedBlocksCount).toBe(0);
  });

  it("replays the same samples from the same seed", () => {
    const a = runEditWorkloads(3, 1);
    expect(a.map((w) => w.family)).toEqual(["document", "log", "database", "compressed"]);
    expect(runEditWorkloads(3, 1)).toEqual(a);
  });
});
