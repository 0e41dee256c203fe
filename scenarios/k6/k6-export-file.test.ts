// `syncbench k6`'s two actions without the CLI: export writes the overridden scenario's script to
// the file, run is refused with ENV_K6_MISSING after the scenario was checked.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportK6File, refuseK6Run } from "./k6-export-file.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-k6-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("k6 export file", () => {
  it("writes the script of the scenario at the overridden rate", () => {
    const outputPath = join(dir, "smoke.ts");
    const written = exportK6File({ scenario: "smoke", overrides: { ratePerS: 40 }, outputPath });
    const script = readFileSync(outputPath, "utf8");
    expect(written).toEqual({ output: outputPath, bytes: script.length });
    expect(script).toContain("export const options");
  });

  it("refuses k6 run with ENV_K6_MISSING, and an unknown scenario first", () => {
    expect(() => refuseK6Run({ scenario: "smoke", overrides: {} })).toThrow(
      expect.objectContaining({ code: "ENV_K6_MISSING" }),
    );
    expect(() => refuseK6Run({ scenario: "no-such-scenario", overrides: {} })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^SCENARIO_/) }),
    );
  });
});
