// The results file's schema guards both ends: a file of another schemaVersion, or one with an
// unknown key, is refused on read with RESULTS_INVALID, so the calibration never guesses.
import { describe, expect, it } from "vitest";
import { isSyncbenchError } from "../reference-impl/core/errors.ts";
import { parseResultsJson } from "./results.schema.ts";

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
    expect(code(() => parseResultsJson('{"schemaVersion":2}', "x.json"))).toBe("RESULTS_INVALID");
  });
  it("refuses what is not JSON", () => {
    expect(code(() => parseResultsJson("{", "x.json"))).toBe("RESULTS_INVALID");
  });
  it("refuses an incomplete file", () => {
    expect(code(() => parseResultsJson('{"schemaVersion":1,"extra":true}', "x.json"))).toBe(
      "RESULTS_INVALID",
    );
  });
});
