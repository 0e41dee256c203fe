// `--json` against the real stack: the commands that need one (status, fsck, logs, token) print
// one JSON document on stdout and nothing else when the stack is up, as cli/json-output.test.ts
// checks their error documents without one. Each runs as its own `syncbench` process with this
// test's environment (the stack's SYNCBENCH_HOME and port offset).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));

function syncbench(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["bin/syncbench.mjs", ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), 90_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout });
    });
  });
}

describe("--json against the real stack", () => {
  const cases: readonly (readonly string[])[] = [
    ["status"],
    ["fsck", "--blocks-max", "1000"],
    ["logs", "postgres", "--lines", "5"],
    ["token", "--user", "json-int-test"],
  ];
  for (const args of cases) {
    it(`syncbench ${args.join(" ")} --json`, async () => {
      const { code, stdout } = await syncbench([...args, "--json"]);
      expect(code, stdout.slice(0, 400)).toBe(0);
      const document = JSON.parse(stdout) as { ok?: boolean };
      expect(document.ok).not.toBe(false);
    }, 120_000);
  }
});
