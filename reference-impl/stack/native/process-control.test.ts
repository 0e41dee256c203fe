// Checks stopping by recorded PID: a pid file whose PID now belongs to another process instance
// (different start time) is never signalled.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  isRecordAlive,
  readPidRecord,
  spawnServer,
  startTicksOf,
  stopRecorded,
  tailLines,
} from "./process-control.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-pc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("process control", () => {
  it("spawns, records start ticks, stops by PID and removes the pid file", async () => {
    const pidFile = join(dir, "a.pid");
    const record = spawnServer({
      command: "sleep",
      args: ["30"],
      logFile: join(dir, "a.log"),
      pidFile,
    });
    expect(record.startTicks).toBe(startTicksOf(record.pid));
    expect(isRecordAlive(readPidRecord(pidFile))).toBe(true);
    expect(await stopRecorded(pidFile, "SIGTERM", 2000)).toBe("stopped");
    expect(isRecordAlive(record)).toBe(false);
    expect(readPidRecord(pidFile)).toBeUndefined();
  });

  it("never signals a process whose start time differs from the record (PID reuse)", async () => {
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = other.pid as number;
    const pidFile = join(dir, "reused.pid");
    writeFileSync(
      pidFile,
      JSON.stringify({
        pid,
        startTicks: (startTicksOf(pid) ?? 0) + 1,
        command: "x",
        startedAtMs: 0,
      }),
    );
    expect(await stopRecorded(pidFile, "SIGKILL", 100)).toBe("not-running");
    expect(startTicksOf(pid)).toBeDefined();
    other.kill("SIGKILL");
  });

  it("escalates to the whole process group when the server ignores the signal", async () => {
    const pidFile = join(dir, "group.pid");
    const logFile = join(dir, "group.log");
    const record = spawnServer({
      command: "/bin/sh",
      args: ["-c", "trap '' TERM; sleep 30 & echo child=$!; wait"],
      logFile,
      pidFile,
    });
    let child: number | undefined;
    for (let i = 0; i < 100 && child === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      child = Number(/child=(\d+)/.exec(tailLines(logFile, 5).join("\n"))?.[1]) || undefined;
    }
    expect(child).toBeDefined();
    expect(await stopRecorded(pidFile, "SIGTERM", 200)).toBe("stopped");
    expect(isRecordAlive(record)).toBe(false);
    // Gone, or a zombie waiting for its new parent to reap it: either way it holds no port. The
    // SIGKILL lands asynchronously: wait for the state to change (bounded), not for a fixed time.
    const stateOf = () =>
      existsSync(`/proc/${child}/stat`)
        ? readFileSync(`/proc/${child}/stat`, "utf8").split(") ")[1]?.[0]
        : "gone";
    let state = stateOf();
    for (let i = 0; i < 500 && !["gone", "Z"].includes(state ?? ""); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = stateOf();
    }
    expect(["gone", "Z"]).toContain(state);
  });

  it("reports the last lines of a log, and says when there is none", () => {
    const log = join(dir, "t.log");
    writeFileSync(log, "one\ntwo\n\nthree\n");
    expect(tailLines(log, 2)).toEqual(["two", "three"]);
    expect(tailLines(join(dir, "missing.log"), 2)[0]).toContain("no log file");
  });
});
