// The k6 export of every library scenario: valid TypeScript (transpiles with no syntax
// error), one arrival-rate executor per operation with its share of the rate, and thresholds
// that carry each target plus dropped_iterations. k6 itself is not on this machine.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { loadScenario, scenarioLibrary } from "../library/index.ts";
import { exportK6Script, k6Options } from "./k6-export.ts";

describe("k6 export", () => {
  for (const name of scenarioLibrary.keys()) {
    it(`${name} exports a script that strips to JavaScript`, () => {
      const script = exportK6Script(loadScenario(name), "test");
      const out = ts.transpileModule(script, {
        reportDiagnostics: true,
        compilerOptions: { target: ts.ScriptTarget.ES2022 },
      });
      expect(
        out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      ).toEqual([]);
      expect(script).toContain("export const options");
    });
  }

  it("splits the rate by the mix and turns targets into thresholds", () => {
    const s = loadScenario("design-peak-25k");
    const options = k6Options(s) as {
      scenarios: Record<string, { rate: number }>;
      thresholds: Record<string, unknown[]>;
    };
    expect(options.scenarios.download!.rate).toBe(14_400);
    expect(options.scenarios.deltaUpload!.rate).toBe(4_000);
    expect(options.thresholds.dropped_iterations).toEqual(["count<1"]);
    const p99 = options.thresholds["syncbench_operation_ms{operation:deltaUpload,phase:measured}"];
    expect(JSON.stringify(p99)).toContain("p(99)<=100");
  });
});
