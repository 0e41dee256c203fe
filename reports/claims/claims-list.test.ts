// The ledger's claim list is design/CLAIMS.md's table, id, text and method, so they cannot drift.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claimTexts } from "./claims-list.ts";

describe("claims list", () => {
  it("matches design/CLAIMS.md row by row", () => {
    const rows = readFileSync("design/CLAIMS.md", "utf8")
      .split("\n")
      .map((l) => /^\| (C\d\d) \| (.*?) \| (.*?) \|$/.exec(l.trim()))
      .filter((m) => m !== null)
      .map((m) => ({ id: m[1], claim: m[2], method: m[3] }));
    expect(rows).toHaveLength(36);
    expect(claimTexts).toEqual(rows);
  });
});
