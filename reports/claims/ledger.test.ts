// The ledger end to end on its pure inputs: 36 rows in CLAIMS.md's order; with no file every
// arithmetic claim decided and every measured/simulated part not-measured; a changed design
// figure moves a verdict; evidence files (a run's results, a projection, a delta bench) are read
// by kind and give verdicts with their figures and sample counts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readEvidence, type Evidence } from "./inputs.ts";
import { evaluateClaims, ledgerInputs, type LedgerInputs } from "./ledger.ts";
import type { ClaimRow } from "./verdict.ts";

const row = (rows: ClaimRow[], id: string) => rows.find((r) => r.id === id)!;
const part = (rows: ClaimRow[], id: string, method: string) =>
  row(rows, id).parts.find((p) => p.method === method)!;
const file = (path: string) => ({ path, text: readFileSync(path, "utf8") });
const results = "simulator/calibration/testdata/builtin-2026-11-25/smoke-1000.json";
const projection = "formats/testdata/golden/projection-design-peak-seed7.json";

function deltaBench(bytes: number, encodeMs = 12) {
  const cell = { bytes, encodeMs, decodeMs: 2, roundTripOk: true, runs: 5 };
  return {
    path: "delta.json",
    text: JSON.stringify({
      kind: "syncbench.delta-bench",
      schemaVersion: 1,
      runs: 5,
      quick: true,
      loadavgBefore: "1",
      synthetic: [
        {
          corpus: "synthetic",
          name: "text-overwrite100",
          kind: "text",
          newBytes: 4194304,
          cells: { syncbench: cell },
        },
      ],
      real: [],
      targets: [],
    }),
  };
}

function evaluate(change?: (i: LedgerInputs) => void, evidence?: Evidence): ClaimRow[] {
  const inputs = ledgerInputs(evidence);
  change?.(inputs);
  return evaluateClaims(inputs);
}

describe("claims ledger", () => {
  it("prints 36 rows in CLAIMS.md's order; with no file, arithmetic decided, the rest not-measured", () => {
    const rows = evaluate();
    expect(rows.map((r) => r.id)).toEqual(
      Array.from({ length: 36 }, (_, i) => `C${String(i + 1).padStart(2, "0")}`),
    );
    for (const r of rows) {
      for (const p of r.parts) {
        if (p.method === "measured" || p.method === "simulated") {
          expect(["not-measured", "unverifiable"], `${r.id} ${p.method}`).toContain(p.verdict);
        } else {
          expect(["holds", "fails", "inconsistent", "unverifiable"], `${r.id}`).toContain(
            p.verdict,
          );
        }
      }
    }
    for (const id of ["C17", "C20", "C24", "C27", "C29", "C33"]) {
      expect(["holds", "fails", "inconsistent"], id).toContain(row(rows, id).verdict);
    }
  });

  it("finds the design's contradictions and names the statements", () => {
    const rows = evaluate();
    expect(row(rows, "C08").verdict).toBe("inconsistent");
    expect(part(rows, "C08", "arithmetic").detail).toContain("C01");
    expect(row(rows, "C16").verdict).toBe("inconsistent"); // 250 x 2 ms vs 10-15 ms
    expect(row(rows, "C07").verdict).toBe("inconsistent"); // 2.9 MB at 100 Mbps, not 3.9 MB
    expect(row(rows, "C20").verdict).toBe("inconsistent"); // 100M users vs 100M devices
    expect(row(rows, "C24").verdict).toBe("holds");
  });

  it("moves a verdict when an input figure changes", () => {
    expect(
      row(
        evaluate((i) => {
          i.design.shardCount = 32;
        }),
        "C24",
      ).verdict,
    ).toBe("inconsistent");
    expect(
      part(
        evaluate((i) => {
          i.design.stated.C01.deltaBytes = 100_000;
        }),
        "C08",
        "arithmetic",
      ).verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.serviceTimeMs.metadataCacheHitPerHash = 0.05;
        }),
        "C16",
      ).parts[0]!.verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C06.computeMs = 200;
        }),
        "C06",
      ).parts[0]!.verdict,
    ).toBe("inconsistent");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C07.netWinDeltaMB = 2.9;
        }),
        "C07",
      ).verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C31.costUsdPerMonth = { V0: 1e6, V1: 1e6, V2: 1e6 };
        }),
        "C31",
      ).verdict,
    ).toBe("holds");
  });

  it("reads a delta bench: C01 holds at 65 B, fails at 300 B; C04 fails at 80 ms", () => {
    const small = evaluate(undefined, readEvidence([deltaBench(65)]));
    expect(row(small, "C01").verdict).toBe("holds");
    expect(part(small, "C01", "measured").figures[0]).toContain("65 B");
    expect(part(small, "C01", "measured").samples).toContain("5 runs");
    expect(row(evaluate(undefined, readEvidence([deltaBench(300)])), "C01").verdict).toBe("fails");
    expect(row(evaluate(undefined, readEvidence([deltaBench(65, 80)])), "C04").verdict).toBe(
      "fails",
    );
  });

  it("reads a run's results: C09's p99 against the design's target, with its sample count", () => {
    const rows = evaluate(undefined, readEvidence([file(results)]));
    const measured = part(rows, "C09", "measured");
    expect(measured.verdict).toBe("holds");
    expect(measured.samples).toMatch(/\d+ samples/);
    expect(part(rows, "C11", "measured").verdict).toBe("not-measured"); // no devices in the run
    const tight = evaluate(
      (i) => {
        i.design.targets.find((t) => t.metric === "deltaUpload.latencyMsP99")!.latencyMsMax = 1;
      },
      readEvidence([file(results)]),
    );
    expect(part(tight, "C09", "measured").verdict).toBe("fails");
  });

  it("reads a projection: simulated parts with replications and intervals, C14 from utilisation", () => {
    const rows = evaluate(undefined, readEvidence([file(projection)]));
    const c09 = part(rows, "C09", "simulated");
    expect(["holds", "fails", "unverifiable"]).toContain(c09.verdict);
    expect(c09.samples).toMatch(/replications, 95 % interval/);
    expect(part(rows, "C14", "simulated").verdict).not.toBe("not-measured");
    expect(part(rows, "C22", "simulated").verdict).toBe("not-measured"); // rolling-deploy not given
  });

  it("never lets an unstable station support holds: a projection's stability decides first", () => {
    const text = readFileSync(projection, "utf8");
    const marked = JSON.parse(text) as { metrics: { name: string; stability?: unknown }[] };
    const c10 = marked.metrics.find((m) => m.name === "notification.freshnessMsP50")!;
    const steady = evaluate(undefined, readEvidence([{ path: "p.json", text }]));
    expect(part(steady, "C10", "simulated").verdict).toBe("holds");
    c10.stability = { status: "unstable", offeredRho: 1.36, afterS: 60 };
    const unstable = evaluate(
      undefined,
      readEvidence([{ path: "p.json", text: JSON.stringify(marked) }]),
    );
    const c10Part = part(unstable, "C10", "simulated");
    expect(c10Part.verdict).toBe("fails");
    expect(c10Part.figures.join(" ")).toMatch(/unstable \(offered ρ = 1\.36\)/);
    expect(c10Part.detail).toMatch(/offered ρ ≥ 1/);
    c10.stability = {
      status: "notSteady",
      afterS: 60,
      firstHalfMeanS: 0.01,
      secondHalfMeanS: 0.03,
    };
    const growing = evaluate(
      undefined,
      readEvidence([{ path: "p.json", text: JSON.stringify(marked) }]),
    );
    expect(part(growing, "C10", "simulated").verdict).toBe("unverifiable");
  });

  it("refuses a file of another kind, and a second delta bench", () => {
    expect(() => readEvidence([{ path: "x.json", text: '{"kind":"other"}' }])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([{ path: "x.json", text: "not json" }])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([deltaBench(65), deltaBench(66)])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([{ path: "d.json", text: '{"synthetic":[],"targets":[]}' }])).toThrow(
      expect.objectContaining({ code: "DELTA_BENCH_INVALID" }),
    );
  });

  it("gives the input assumptions a sensitivity line at half and double", () => {
    const rows = evaluate();
    for (const id of ["C15", "C23", "C26"]) {
      expect(row(rows, id).verdict).toBe("unverifiable");
      expect(row(rows, id).sensitivity.join("\n")).toMatch(/x0\.5|1\.5:1|1\.25 devices|5 versions/);
    }
  });
});
