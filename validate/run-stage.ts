// Runs one stage of `syncbench validate` in a process of its own (a crash or a leak in one stage
// cannot take the others down), in its own process group so that a stage over its time bound is
// ended with every process it started (its WebSocket holders, its built-in target), by the group of
// the PID this module spawned and nothing else. stdout goes to the stage's file or log, stderr to
// its log; the last stderr line is handed to the progress line as "what is running".
import { spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Stage } from "./stages.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const syncbenchBin = `${root}bin/syncbench.mjs`;

export interface StageOutcome {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly elapsedS: number;
  /** The last lines of stderr, for the summary when the stage failed. */
  readonly tail: string;
}

export interface StageIo {
  /** The run folder's log of this stage (stderr, and stdout unless stdoutPath). */
  readonly logPath: string;
  readonly stdoutPath?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onLine: (line: string) => void;
}

function argvOf(stage: Stage): string[] {
  const c = stage.command;
  if (c.kind === "syncbench") return [syncbenchBin, ...c.args];
  return ["--import", "tsx", `${root}${c.script}`, ...c.args];
}

function endOf(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}

/** The group of the stage in flight, ended on SIGINT/SIGTERM of validate itself. */
let running: number | undefined;

export function stopRunningStage(): void {
  if (running === undefined) return;
  try {
    process.kill(-running, "SIGTERM");
  } catch {
    // already gone
  }
}

export async function runStage(stage: Stage, io: StageIo): Promise<StageOutcome> {
  const startedMs = Date.now();
  const log = createWriteStream(io.logPath, { flags: "w" });
  const stdoutFile = io.stdoutPath ? createWriteStream(io.stdoutPath, { flags: "w" }) : log;
  log.write(`$ syncbench-stage ${stage.name}: ${process.execPath} ${argvOf(stage).join(" ")}\n`);
  const child = spawn(process.execPath, argvOf(stage), {
    cwd: root,
    env: { ...io.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: the time bound ends everything it started
  });
  running = child.pid;
  let tail: string[] = [];
  let partial = "";
  child.stdout.pipe(stdoutFile, { end: false });
  child.stderr.on("data", (chunk: Buffer) => {
    log.write(chunk);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "" || /EBADENGINE|npm warn/i.test(line)) continue;
      tail = [...tail, line].slice(-6);
      io.onLine(line);
    }
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // it ended between the check and the kill
    }
  }, stage.timeoutS * 1000);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      tail = [...tail, error.message];
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  clearTimeout(timer);
  running = undefined;
  if (stdoutFile !== log) await endOf(stdoutFile);
  log.write(
    `\n$ exit ${exitCode ?? "none"}${timedOut ? ` (over its ${stage.timeoutS} s bound)` : ""}\n`,
  );
  await endOf(log);
  return {
    exitCode,
    timedOut,
    elapsedS: (Date.now() - startedMs) / 1000,
    tail: tail.join("\n"),
  };
}
