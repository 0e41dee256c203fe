// The k6 export of every library scenario type-checks under `strict` against the pinned
// @types/k6 (package.json pins the exact version; k6's globals, no Node types), the scripts being
// written under .syncbench/ in the repository so that "k6/http" resolves to node_modules/@types/k6
// as beside a user's script. Also: one arrival-rate executor per operation with its share of the
// rate, thresholds for each target, and the version the header names. k6 itself is never run.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { loadScenario, scenarioLibrary } from "../library/index.ts";
import { exportK6Script, k6MinVersion, k6Options } from "./k6-export.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Every diagnostic of the scripts, as "file(line): message"; [] when they type-check. */
function typecheckK6Scripts(scripts: ReadonlyMap<string, string>): string[] {
  const dir = join(repoRoot, ".syncbench", "k6-typecheck");
  mkdirSync(dir, { recursive: true });
  const files = [...scripts].map(([name, text]) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, text);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2020.d.ts"],
    types: ["k6"],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}(${line + 1}): ${message}`;
  });
}

describe("k6 export", () => {
  it("exports, for every library scenario, a script that type-checks strictly", () => {
    const scripts = new Map(
      [...scenarioLibrary.keys()].map((name) => [
        name,
        exportK6Script(loadScenario(name), { generatedFor: "test", usersCount: 8 }),
      ]),
    );
    expect(typecheckK6Scripts(scripts)).toEqual([]);
    for (const script of scripts.values()) {
      expect(script).toContain("export const options");
      expect(script).toContain(`Needs k6 >= ${k6MinVersion}`);
    }
  }, 120_000);

  it("finds a type error when the script has one (the check can fail)", () => {
    const script = exportK6Script(loadScenario("smoke"), { generatedFor: "test" });
    const broken = script.replace(
      "const limit = C.LIST ? C.LIST.pageSize : 1000;",
      "const limit = C.LIST.pageSize;",
    );
    expect(broken).not.toBe(script);
    expect(typecheckK6Scripts(new Map([["broken", broken]])).join("\n")).toMatch(/possibly 'null'/);
  }, 120_000);

  it("splits the rate by the mix and turns targets into thresholds", () => {
    const s = loadScenario("design-peak-25k");
    const options = k6Options(s) as {
      scenarios: Record<string, { rate: number }>;
      thresholds: Record<string, unknown[]>;
    };
    expect(options.scenarios.download!.rate).toBe(14_400);
    expect(options.scenarios.deltaUpload!.rate).toBe(4_000);
    expect(options.thresholds.dropped_iterations).toEqual(["count<1"]);
    expect(options.thresholds.syncbench_edits_exhausted).toEqual(["count<1"]);
    const p99 = options.thresholds["syncbench_operation_ms{operation:deltaUpload,phase:measured}"];
    expect(JSON.stringify(p99)).toContain("p(99)<=100");
    const push = options.thresholds["syncbench_notification_freshness_ms{phase:measured}"];
    expect(push).toEqual(["p(99)<=200", "p(99)<=2000"]);
    expect(options.thresholds["syncbench_edge_cache_hit{phase:measured}"]).toEqual(["rate>=0.6"]);
  });
});
