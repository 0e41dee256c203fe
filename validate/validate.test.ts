// validate writes only into a new or empty folder: an earlier run is never overwritten.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prepareOutDir } from "./validate.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("validate's run folder", () => {
  it("creates a new folder with its logs folder, and takes an empty one", () => {
    prepareOutDir(join(dir, "new"));
    expect(readdirSync(join(dir, "new"))).toEqual(["logs"]);
    mkdirSync(join(dir, "empty"));
    prepareOutDir(join(dir, "empty"));
  });

  it("refuses a folder that holds anything, and leaves it as it was", () => {
    mkdirSync(join(dir, "used"));
    writeFileSync(join(dir, "used", "claims.json"), "{}");
    expect(() => prepareOutDir(join(dir, "used"))).toThrow(/already holds 1 entries/);
    expect(readdirSync(join(dir, "used"))).toEqual(["claims.json"]);
  });
});
