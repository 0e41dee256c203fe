// bench:upload's judgement: the bare sums follow the use cases' calls, a row over its target is a
// miss and makes the bench exit 4, and a CPU figure that could not be read is a miss, not a pass.
import { describe, expect, it } from "vitest";
import type { BarePartName, PartFigures } from "./bare-parts.ts";
import { uploadExitCode, uploadRows } from "./upload-verdicts.ts";

const part = (p50Ms: number, cpuMsPerCall = 0): PartFigures => ({
  p50Ms,
  p99Ms: p50Ms * 2,
  cpuMsPerCall,
  count: 30,
});
const bare: Record<BarePartName, PartFigures> = {
  s3Get4MiB: part(10),
  s3Put4MiB: part(20),
  sha256Of4MiB: part(2, 2),
  deltaApply: part(3, 3),
  postgresRoundTrip: part(0.5),
  postgresCommit: part(2),
  nginxHop: part(1),
};
const op = (p50Ms: number, p99Ms: number) => ({ p50Ms, p99Ms });

describe("uploadRows", () => {
  it("sums the bare parts of each operation and judges the ratio and the design's figures", () => {
    const rows = uploadRows(
      { uploadInit: op(5, 9), delta: op(40, 70), commit: op(6, 12), deltaCommit: op(46, 80) },
      bare,
      12,
    );
    const byName = new Map(rows.map((r) => [r.operation, r]));
    expect(byName.get("PUT delta, 100 B edit of 4 MiB")!.bareP50Ms).toBeCloseTo(37.5);
    expect(byName.get("commit")!.bareP50Ms).toBeCloseTo(4);
    expect(byName.get("delta + commit: p50 vs bare")!.ratioP50).toBeCloseTo(46 / 41.5);
    expect(rows.every((r) => r.verdict !== "missed")).toBe(true);
    expect(uploadExitCode(rows)).toBe(0);
  });

  it("exits 4 on a ratio over 1.5, a p99 over 100 ms, or CPU not measured", () => {
    const slow = uploadRows(
      { uploadInit: op(5, 9), delta: op(80, 150), commit: op(6, 12), deltaCommit: op(86, 160) },
      bare,
      null,
    );
    const missed = slow.filter((r) => r.verdict === "missed").map((r) => r.operation);
    expect(missed).toEqual([
      "delta + commit: p50 vs bare",
      "delta + commit: p99 (C09)",
      "ChunkService CPU per delta upload",
    ]);
    expect(uploadExitCode(slow)).toBe(4);
  });
});
