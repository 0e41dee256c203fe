// syncbench's version and its Node requirement come from package.json alone: the reader returns
// `version` and `engines.node`, refuses a missing or malformed one, compares a Node version with
// the bound, and no source file types the version out again.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  factsFromPackageJson,
  nodeVersionProblem,
  nodeVersionRange,
  syncbenchVersion,
} from "./version.ts";

const repoRoot = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", repoRoot), "utf8")) as {
  version: string;
  engines: { node: string };
};

describe("package.json facts", () => {
  it("are package.json's version and engines.node", () => {
    expect(syncbenchVersion()).toBe(pkg.version);
    expect(nodeVersionRange()).toBe(pkg.engines.node);
  });

  it("refuses a package.json without a semantic version, naming the file and the value", () => {
    const engines = '"engines":{"node":">=24.11.0"}';
    expect(() => factsFromPackageJson(`{"name":"x",${engines}}`, "p.json")).toThrow(
      'p.json: "version" must be a semantic version such as "0.1.0", got undefined',
    );
    expect(() => factsFromPackageJson(`{"version":"1.2",${engines}}`, "p.json")).toThrow(
      'got "1.2"',
    );
    const ok = factsFromPackageJson(`{"version":"1.2.3-rc.1",${engines}}`, "p.json");
    expect(ok).toEqual({ version: "1.2.3-rc.1", nodeRange: ">=24.11.0", nodeMin: [24, 11, 0] });
  });

  it("refuses an engines.node that is not one lower bound", () => {
    for (const range of ['"^24"', '">=22 <23 || >=24.11.0"', "null"]) {
      expect(() =>
        factsFromPackageJson(`{"version":"1.0.0","engines":{"node":${range}}}`, "p.json"),
      ).toThrow(`p.json: "engines.node" must be a lower bound such as ">=24.11.0", got ${range}`);
    }
  });

  it("compares a Node version with the bound, part by part", () => {
    const facts = factsFromPackageJson('{"version":"1.0.0","engines":{"node":">=24.11.0"}}', "p");
    expect(nodeVersionProblem("v20.20.2", facts)).toBe(
      "Node v20.20.2 is older than syncbench needs (package.json engines.node >=24.11.0)",
    );
    expect(nodeVersionProblem("v24.10.9", facts)).toContain("older");
    expect(nodeVersionProblem("v24.11.0", facts)).toBeUndefined();
    expect(nodeVersionProblem("v24.22.3", facts)).toBeUndefined();
    expect(nodeVersionProblem("v26.0.0", facts)).toBeUndefined();
    expect(nodeVersionProblem("garbage", facts)).toContain('"garbage" is not a version');
  });

  it("the Node running this test satisfies package.json (npm scripts run the pinned Node)", () => {
    // Printed so that a test run shows which Node it ran on (process.execPath is vitest's fork).
    process.stdout.write(`node under test: ${process.version} (${process.execPath})\n`);
    expect(nodeVersionProblem(process.version)).toBeUndefined();
  });

  it("the version is not typed out in any other source file", () => {
    const version = syncbenchVersion().replaceAll(".", "\\.");
    // git grep over the tracked sources for the version as a word (not inside 10.1.0 or 0.1.0.1);
    // exit status 1 means no line matched. This file and the reader are the two allowed to say it.
    const scan = spawnSync(
      "git",
      [
        "grep",
        "-n",
        "-E",
        `(^|[^0-9.])${version}([^0-9.]|$)`,
        "--",
        "*.ts",
        "*.mjs",
        "*.cjs",
        "*.js",
        ":!reference-impl/runtime/version.ts",
        ":!reference-impl/runtime/version.test.ts",
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    expect(scan.error).toBeUndefined();
    expect({ status: scan.status, lines: scan.stdout.trim() }).toEqual({ status: 1, lines: "" });
  });
});
