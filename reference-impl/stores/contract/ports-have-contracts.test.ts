// House rule (STYLE.md section 11): every *.port.ts has one contract suite, run against its memory
// adapter in a unit test and against its real adapter in an integration test.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const storesDir = fileURLToPath(new URL("../", import.meta.url));
const ports = readdirSync(storesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "contract")
  .flatMap((d) => readdirSync(`${storesDir}${d.name}`).filter((f) => f.endsWith(".port.ts")).map((f) => ({ dir: d.name, file: f })));

describe("every store port has a contract suite run against both adapters", () => {
  it("finds the four ports of the design", () => {
    expect(ports.map((p) => p.dir).sort()).toEqual(["block-store", "metadata-db", "registry", "sync-stream"]);
  });

  for (const port of ports) {
    it(`${port.dir}`, () => {
      const name = port.file.replace(".port.ts", "");
      expect(existsSync(`${storesDir}contract/${name}.contract.ts`), `contract/${name}.contract.ts`).toBe(true);
      const files = readdirSync(`${storesDir}${port.dir}`);
      const runs = (pattern: RegExp) => files.filter((f) => pattern.test(f))
        .some((f) => readFileSync(`${storesDir}${port.dir}/${f}`, "utf8").includes(`${name}.contract.ts`));
      expect(runs(/\.memory\.test\.ts$/), `${port.dir}: a memory test runs the contract`).toBe(true);
      expect(runs(/\.int\.test\.ts$/), `${port.dir}: an integration test runs the contract`).toBe(true);
    });
  }
});
