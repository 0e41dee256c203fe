// `--json` means stdout is one JSON document and nothing else, for every command (progress,
// seed lines and warnings go to stderr; a command that fails before printing its document prints
// main.ts's error document, {"ok":false,"exitCode":N,"error":{code,message,hint}}). Each command
// found in cli/commands/ runs as its own `syncbench` process (bin/syncbench.mjs, so a child's or
// a library's stray write to stdout counts too) on a minimal input, and its stdout must parse as
// one JSON value. A command without an entry below runs as `syncbench <name> --json`, so a new
// command is covered the day it lands. SYNCBENCH_HOME is an empty folder and the ports are moved
// to an offset where no stack listens, so the commands that need a stack exit 3 with the error
// document; int tests cover them against a real stack.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { commandNames } from "./main.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const results200 = "simulator/calibration/testdata/builtin-2026-11-25/smoke-200.json";
const sample30s = "reports/sample/inputs/smoke-30s.results.json";
const dir = mkdtempSync(join(tmpdir(), "syncbench-json-"));
writeFileSync(join(dir, "old"), "hello world\n".repeat(50));
writeFileSync(join(dir, "new"), `${"hello world\n".repeat(50)}more\n`);

interface Case {
  readonly args: readonly string[];
  /** Exit codes this minimal input may give on any machine. */
  readonly exitCodes: readonly number[];
}

/** Minimal inputs per command; more than one where a command has more than one document. */
const cases: Readonly<Record<string, readonly Case[]>> = {
  baseline: [{ args: ["update", sample30s, "--out", join(dir, "baseline.json")], exitCodes: [0] }],
  calibrate: [{ args: [results200, "-o", join(dir, "cal.json")], exitCodes: [0] }],
  claims: [{ args: [results200], exitCodes: [0] }],
  cost: [{ args: ["--users", "1000"], exitCodes: [0] }],
  // A usage error (no folder) before anything connects.
  client: [{ args: ["sync"], exitCodes: [2] }],
  delta: [
    { args: ["encode", join(dir, "old"), join(dir, "new"), "-o", join(dir, "d")], exitCodes: [0] },
  ],
  doctor: [{ args: [], exitCodes: [0, 1, 3] }],
  "edit-workloads": [{ args: ["--edits", "1"], exitCodes: [0] }],
  down: [{ args: [], exitCodes: [0] }],
  fsck: [{ args: [], exitCodes: [3] }],
  gate: [
    { args: [sample30s, "--targets", "smoke"], exitCodes: [0] },
    { args: ["reports/gate/testdata/smoke-5s.results.json", "--targets", "smoke"], exitCodes: [4] },
  ],
  k6: [{ args: ["export", "smoke", "-o", join(dir, "script.ts")], exitCodes: [0] }],
  logs: [{ args: ["postgres", "--lines", "3"], exitCodes: [0] }],
  probe: [
    { args: ["http://127.0.0.1:9/", "--duration", "1", "--connections", "1"], exitCodes: [0] },
  ],
  report: [{ args: [sample30s, "--out", join(dir, "report")], exitCodes: [0] }],
  run: [
    { args: ["smoke", "--no-up"], exitCodes: [3] },
    {
      args: [
        "smoke",
        "--target",
        "builtin",
        "--duration",
        "1",
        "--no-websocket",
        "--out",
        join(dir, "results.json"),
      ],
      // 4: a busy machine can miss even smoke's 10x targets in a one-second run.
      exitCodes: [0, 1, 4],
    },
  ],
  // A run folder that is not empty is refused before anything starts.
  validate: [{ args: ["--out", dir], exitCodes: [2] }],
  selftest: [
    {
      args: [
        "co",
        "--periods",
        "1",
        "--period-ms",
        "400",
        "--stall-ms",
        "40",
        "--rate-per-s",
        "200",
      ],
      exitCodes: [0, 1],
    },
  ],
  simulate: [
    { args: ["design-peak", "--duration-s", "1", "--replications", "1"], exitCodes: [0, 4] },
    { args: ["--validate", results200], exitCodes: [0, 4] },
  ],
  status: [{ args: [], exitCodes: [3] }],
  token: [{ args: ["--user", "u1"], exitCodes: [0] }],
  // A usage error before anything starts: `up` itself is covered by every int test's setup.
  up: [{ args: ["--chunk-services", "0"], exitCodes: [2] }],
  version: [{ args: [], exitCodes: [0] }],
};

function syncbench(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), "syncbench-nostack-"));
  const env = { ...process.env, NO_COLOR: "1", SYNCBENCH_HOME: home, SYNCBENCH_PORT_OFFSET: "997" };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["bin/syncbench.mjs", ...args], { cwd: root, env });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), 90_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

// Concurrent: each case is its own process, mostly waiting on tsx's start.
describe.concurrent("--json: stdout is one JSON document", () => {
  it("every case names a command that exists", ({ expect }) => {
    expect(Object.keys(cases).filter((name) => !commandNames().includes(name))).toEqual([]);
  });

  for (const name of commandNames()) {
    for (const c of cases[name] ?? [{ args: [], exitCodes: [] }]) {
      const args = [name, ...c.args, "--json"];
      it(`syncbench ${args.join(" ")}`, async ({ expect }) => {
        const { code, stdout, stderr } = await syncbench(args);
        const why = `stdout:\n${stdout.slice(0, 400)}\nstderr:\n${stderr.slice(0, 400)}`;
        expect(() => JSON.parse(stdout) as unknown, why).not.toThrow();
        expect(stdout.trim().length, why).toBeGreaterThan(0);
        if (c.exitCodes.length > 0) expect(c.exitCodes, why).toContain(code);
        const document = JSON.parse(stdout) as { ok?: boolean; exitCode?: number };
        if (document.ok === false && document.exitCode !== undefined)
          expect(document.exitCode).toBe(code);
      }, 120_000);
    }
  }
});
