// The results file's schema guards both ends: a file of another schemaVersion, or one with an
// unknown key, is refused on read with RESULTS_INVALID, so the calibration never guesses.
import { describe, expect, it } from "vitest";
import { isSyncbenchError } from "../reference-impl/core/errors.ts";
import { parseResultsFile } from "./results.schema.ts";

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isSyncbenchError(error) ? error.code : "OTHER";
  }
  return undefined;
}

describe("results schema", () => {
  it("refuses another schemaVersion", () => {
    expect(code(() => parseResultsFile('{"schemaVersion":2}', "x.json"))).toBe("RESULTS_INVALID");
  });
  it("refuses what is not JSON", () => {
    expect(code(() => parseResultsFile("{", "x.json"))).toBe("RESULTS_INVALID");
  });
  it("refuses an incomplete file", () => {
    expect(code(() => parseResultsFile('{"schemaVersion":1,"extra":true}', "x.json"))).toBe(
      "RESULTS_INVALID",
    );
  });
});
