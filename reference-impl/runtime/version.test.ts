// syncbench's version comes from package.json alone: the reader returns its `version` field and
// refuses a missing or malformed one, and no source file types a version string out again.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { syncbenchVersion, versionFromPackageJson } from "./version.ts";

const repoRoot = new URL("../../", import.meta.url);

describe("syncbenchVersion", () => {
  it("is package.json's version field", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", repoRoot), "utf8")) as {
      version: string;
    };
    expect(syncbenchVersion()).toBe(pkg.version);
  });

  it("refuses a package.json without a semantic version, naming the file and the value", () => {
    expect(() => versionFromPackageJson('{"name":"x"}', "p.json")).toThrow(
      'p.json: "version" must be a semantic version such as "0.1.0", got undefined',
    );
    expect(() => versionFromPackageJson('{"version":"1.2"}', "p.json")).toThrow('got "1.2"');
    expect(versionFromPackageJson('{"version":"1.2.3-rc.1"}', "p.json")).toBe("1.2.3-rc.1");
  });

  it("is not typed out in any other source file", () => {
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
