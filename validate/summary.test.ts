// The closing table reads the ledger's --json document: one row per claim with the measured and
// the projected figure, "not measured" where a part had no evidence, and a refusal of a document
// that is not a ledger.
import { describe, expect, it } from "vitest";
import { countsLine, parseLedger, shortFigure, summaryLines, summaryRows } from "./summary.ts";

const ledger = {
  counts: { holds: 1, fails: 0, "not-measured": 1 },
  claims: [
    {
      id: "C09",
      claim: "Delta upload p99 < 0.1 s (200-byte delta)",
      verdict: "holds",
      parts: [
        { method: "measured", verdict: "holds", figures: ["deltaUpload.latencyMsP99 61.9 ms"] },
        { method: "simulated", verdict: "holds", figures: ["deltaUpload.latencyMsP99 80 ± 1 ms"] },
      ],
    },
    {
      id: "C12",
      claim: "CDN download p99 < 50 ms",
      verdict: "not-measured",
      parts: [{ method: "measured", verdict: "not-measured", figures: [] }],
    },
  ],
};

describe("validate summary", () => {
  it("gives each claim its measured and projected figure, or says it was not measured", () => {
    const rows = summaryRows(parseLedger(JSON.stringify(ledger), "claims.json"));
    expect(rows[0]).toMatchObject({ id: "C09", measured: "61.9 ms", projected: "80 ± 1 ms" });
    expect(rows[1]).toMatchObject({ measured: "not measured", projected: "-" });
    const lines = summaryLines(rows);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(countsLine(parseLedger(JSON.stringify(ledger), "c"))).toBe(
      "1 holds, 0 fails, 1 not-measured",
    );
  });

  it("shortens a figure to its value: no metric name in front, no source behind", () => {
    expect(shortFigure("deltaUpload.latencyMsP99 161.9 ms (r.json, builtin, run saturated)")).toBe(
      "161.9 ms",
    );
    expect(shortFigure("document-text: saves 99.9 %")).toBe("document-text: saves 99.9 %");
  });

  it("refuses a document that is not a ledger, naming the file", () => {
    expect(() => parseLedger("{", "claims.json")).toThrow(/claims.json: not JSON/);
    expect(() => parseLedger('{"counts":{}}', "claims.json")).toThrow(/not a claims ledger/);
  });
});
