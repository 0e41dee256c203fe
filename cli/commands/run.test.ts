// The `run` command end to end through the CLI: an invalid scenario file exits 2 with its
// code; `--target builtin` (its own process) writes a valid results file; a non-loopback
// target is refused; a --config file's options reach the results with their sources, and
// --rerun of that results file runs the same effective scenario and seed. Exit 0 or 1 both
// pass for the builtin run: 1 means the machine was too busy for the generator (a
// generator-bound run), which a shared 2-core box may be.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readResults } from "../../scenarios/measure/results-file.ts";
import { main } from "../main.ts";
import type { CliContext } from "../context.ts";
import type { StackProvider } from "../../reference-impl/stack/provider.ts";
import { targetSpecOf } from "./run.ts";

/** Folders this file made in the system temp folder, removed when it ends. */
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const invalid = fileURLToPath(new URL("../../scenarios/testdata/invalid/", import.meta.url));
const quiet = { NO_COLOR: "1" };

describe("syncbench run", () => {
  it("exits 2 on an invalid scenario file", async () => {
    const code = await main(
      ["run", `${invalid}SCENARIO_MIX_SUM.json`, "--target", "builtin"],
      quiet,
    );
    expect(code).toBe(2);
  });

  it("exits 2 on a target outside 127.0.0.0/8", async () => {
    expect(await main(["run", "smoke", "--target", "http://10.0.0.1:80"], quiet)).toBe(2);
  });

  it("exits 3 with --no-up, without a target and without a running stack", async () => {
    // SYNCBENCH_HOME points at an empty folder, so no stack is found whatever runs on this machine.
    const home = tempDir("syncbench-nostack-");
    expect(await main(["run", "smoke", "--no-up"], { ...quiet, SYNCBENCH_HOME: home })).toBe(3);
  });

  it("starts the stack when no target is configured and none is up, and runs on its gateway", async () => {
    const calls: string[] = [];
    const gatewayUrl = "http://127.0.0.1:18080";
    const status = (healthy: boolean) => ({
      provider: "native",
      services: [{ name: "nginx", healthy }],
      endpoints: { gatewayUrl },
    });
    const provider = {
      status: async () => (calls.push("status"), status(false)),
      up: async (o: { onProgress?: (line: string) => void }) => {
        calls.push("up");
        o.onProgress?.("postgres: started");
        return status(true);
      },
    } as unknown as StackProvider;
    const said: string[] = [];
    const ctx = { err: (line: string) => said.push(line) } as unknown as CliContext;
    expect(await targetSpecOf(undefined, true, async () => provider, ctx)).toBe(gatewayUrl);
    expect(calls).toEqual(["status", "up"]);
    expect(said).toContain("up: postgres: started");
    // --no-up: the same state is a refusal naming the way out, and nothing is started.
    calls.length = 0;
    await expect(targetSpecOf(undefined, false, async () => provider, ctx)).rejects.toMatchObject({
      code: "ENV_TARGET_MISSING",
    });
    expect(calls).toEqual(["status"]);
    // A configured target is taken as given: no status, no up.
    calls.length = 0;
    expect(await targetSpecOf("builtin", true, async () => provider, ctx)).toBe("builtin");
    expect(calls).toEqual([]);
  });

  it("runs smoke against the built-in target and writes valid results", async () => {
    const out = join(tempDir("syncbench-run-"), "smoke.json");
    const args = ["run", "smoke", "--target", "builtin", "--duration", "3", "--out", out];
    const code = await main(args, quiet);
    expect([0, 1]).toContain(code);
    const results = readResults(out);
    expect(results.operations).toHaveLength(4);
    expect(results.websocket?.connectedCount).toBe(results.websocket?.devicesCount);
  }, 60_000);

  it("exits 2 naming the path when the --config file is missing", async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof write;
    try {
      expect(await main(["run", "smoke", "--config", "/nonexistent/run.json"], quiet)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join("")).toContain("--config /nonexistent/run.json: cannot read it (ENOENT)");
  });

  it("records --config options with their sources, and --rerun repeats the run", async () => {
    const dir = tempDir("syncbench-rerun-");
    const config = join(dir, "run.json");
    const first = join(dir, "first.json");
    const again = join(dir, "again.json");
    const options = { scenario: "smoke", target: "builtin", durationS: 3, seed: 9, out: first };
    writeFileSync(config, JSON.stringify({ ...options, websocket: false }));
    expect([0, 1]).toContain(await main(["run", "--config", config, "--rate", "20"], quiet));
    const a = readResults(first);
    expect(a.config.seed).toBe(9);
    expect(a.config.overrides).toMatchObject({
      configFile: config,
      durationS: 3,
      "from.durationS": "file",
      ratePerS: 20,
      "from.ratePerS": "flag",
      websocket: "false",
      "from.websocket": "file",
      "from.prepare.usersMax": "default",
    });
    expect([0, 1]).toContain(await main(["run", "--rerun", first, "--out", again], quiet));
    const b = readResults(again);
    expect(b.scenario).toEqual(a.scenario);
    expect(b.config.seed).toBe(9);
    expect(b.config.overrides).toMatchObject({
      configFile: first,
      target: "builtin",
      "from.target": "file",
      websocket: "false",
      "from.scenario": "file",
    });
    expect(b.websocket).toBeNull();
  }, 90_000);
});
