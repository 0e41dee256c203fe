// House rule (STYLE.md section 11): every *.port.ts has one contract suite, run against its memory
// adapter in a unit test and against its real adapter in an integration test, and the suite calls
// every method of the port's interface (a method no contract calls may differ between adapters).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const storesDir = fileURLToPath(new URL("../", import.meta.url));
const ports = readdirSync(storesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "contract")
  .flatMap((d) =>
    readdirSync(`${storesDir}${d.name}`)
      .filter((f) => f.endsWith(".port.ts"))
      .map((f) => ({ dir: d.name, file: f })),
  );

describe("every store port has a contract suite run against both adapters", () => {
  it("finds the four ports of the design and the NotificationService's log", () => {
    expect(ports.map((p) => p.dir).sort()).toEqual([
      "block-store",
      "metadata-db",
      "notification-log",
      "registry",
      "sync-stream",
    ]);
  });

  for (const port of ports) {
    it(`${port.dir}`, () => {
      const name = port.file.replace(".port.ts", "");
      expect(
        existsSync(`${storesDir}contract/${name}.contract.ts`),
        `contract/${name}.contract.ts`,
      ).toBe(true);
      const files = readdirSync(`${storesDir}${port.dir}`);
      const runs = (pattern: RegExp) =>
        files
          .filter((f) => pattern.test(f))
          .some((f) =>
            readFileSync(`${storesDir}${port.dir}/${f}`, "utf8").includes(`${name}.contract.ts`),
          );
      expect(runs(/\.memory\.test\.ts$/), `${port.dir}: a memory test runs the contract`).toBe(
        true,
      );
      expect(runs(/\.int\.test\.ts$/), `${port.dir}: an integration test runs the contract`).toBe(
        true,
      );
      // The suite and its companions (contract/<name>-<part>.contract.ts, called from the suite).
      const suite = readdirSync(`${storesDir}contract`)
        .filter((f) => f === `${name}.contract.ts` || f.startsWith(`${name}-`))
        .map((f) => readFileSync(`${storesDir}contract/${f}`, "utf8"))
        .join("\n");
      const uncalled = portMethods(port.dir, port.file).filter((m) => !suite.includes(`.${m}(`));
      expect(uncalled, `${port.dir}: methods its contract never calls`).toEqual([]);
    });
  }
});

/**
 * The methods of the port's main interface (block-store.port.ts -> BlockStore), by name. `close` is
 * left out: every suite closes its adapters through contract-helpers' withAdapter or by hand.
 */
function portMethods(dir: string, file: string): string[] {
  const name = dir
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
  const text = readFileSync(`${storesDir}${dir}/${file}`, "utf8");
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  expect(body, `${file} declares interface ${name}`).toBeDefined();
  const methods = [...(body ?? "").matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1] as string);
  expect(methods.length, `${name} has methods`).toBeGreaterThan(0);
  return methods.filter((m) => m !== "close");
}
