// `syncbench k6 run` without the CLI: refused with ENV_K6_MISSING after the scenario was checked
// (an unknown scenario is refused first, as a scenario error). The export, which prepares its
// data on the stack, is tested by k6-export.int.test.ts.
import { describe, expect, it } from "vitest";
import { refuseK6Run } from "./k6-export-file.ts";

describe("k6 run", () => {
  it("refuses k6 run with ENV_K6_MISSING, and an unknown scenario first", () => {
    expect(() => refuseK6Run({ scenario: "smoke", overrides: {} })).toThrow(
      expect.objectContaining({ code: "ENV_K6_MISSING" }),
    );
    expect(() => refuseK6Run({ scenario: "no-such-scenario", overrides: {} })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^SCENARIO_/) }),
    );
  });
});
