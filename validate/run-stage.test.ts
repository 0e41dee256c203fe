// A stage runs in its own process: its stdout lands in its file, its stderr in its log and on the
// progress callback; over its time bound it is ended with every process it started.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runStage, stopRunningStage } from "./run-stage.ts";
import type { Stage } from "./stages.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-validate-stage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stage = (command: Stage["command"], timeoutS: number): Stage => ({
  name: "t",
  what: "test",
  command,
  needs: [],
  evidence: [],
  timeoutS,
  okExitCodes: [0],
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("runStage", () => {
  it("writes stdout to its file and stderr to its log, and returns the exit code", async () => {
    const lines: string[] = [];
    const outcome = await runStage(stage({ kind: "syncbench", args: ["version", "--json"] }, 60), {
      logPath: join(dir, "version.log"),
      stdoutPath: join(dir, "version.json"),
      env: process.env,
      onLine: (l) => lines.push(l),
    });
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false });
    const version = JSON.parse(readFileSync(join(dir, "version.json"), "utf8")) as object;
    expect(version).toHaveProperty("node");
    expect(readFileSync(join(dir, "version.log"), "utf8")).toContain("$ exit 0");
  }, 60_000);

  it("stops the stage in flight with every process it started (validate's Ctrl-C)", async () => {
    let childPid = 0;
    const outcome = await runStage(
      stage({ kind: "script", script: "validate/testdata/hang.ts", args: [] }, 240),
      {
        logPath: join(dir, "hang.log"),
        env: process.env,
        onLine: (line) => {
          const pid = /child (\d+)/.exec(line)?.[1];
          if (pid === undefined) return;
          childPid = Number(pid);
          stopRunningStage();
        },
      },
    );
    expect(outcome.timedOut).toBe(false);
    expect(outcome.exitCode).not.toBe(0);
    expect(childPid).toBeGreaterThan(0);
    // The group's SIGTERM reached the grandchild too; it may take a moment to be reaped.
    for (let i = 0; i < 100 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(childPid)).toBe(false);
  }, 240_000);

  it("ends a stage over its time bound and says so", async () => {
    const outcome = await runStage(
      stage({ kind: "script", script: "validate/testdata/hang.ts", args: [] }, 1),
      { logPath: join(dir, "bound.log"), env: process.env, onLine: () => {} },
    );
    expect(outcome.timedOut).toBe(true);
    expect(outcome.exitCode).not.toBe(0);
    expect(readFileSync(join(dir, "bound.log"), "utf8")).toContain("over its 1 s bound");
  }, 60_000);
});
