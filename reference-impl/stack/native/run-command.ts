// Runs a short-lived command (installer, initdb, storage format) and captures its output, with a
// bound on its duration so an install that hangs becomes an error instead of a stuck `up`.
import { spawn } from "node:child_process";

export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly timeoutMs: number;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      uid: options.uid,
      gid: options.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let timedOut = false;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-64 * 1024);
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output: `${output}${error.message}`, timedOut });
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output, timedOut });
    });
  });
}

/** Finds an executable on PATH or at one of the given absolute paths. */
export async function which(
  name: string,
  extraPaths: readonly string[] = [],
): Promise<string | undefined> {
  const { access, constants } = await import("node:fs/promises");
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"];
  const candidates = [...extraPaths, ...dirs.filter((d) => d !== "").map((d) => `${d}/${name}`)];
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code !== "ENOENT" &&
        (error as NodeJS.ErrnoException).code !== "EACCES"
      )
        throw error;
    }
  }
  return undefined;
}
