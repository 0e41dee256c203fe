// The CLI's one way to check and write an output file (--out): the path is checked before the
// command does any work, so a bad path costs a usage error (exit 2) naming the path and the
// reason, not a finished run and a stack trace. Relative to the command's working directory.
import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./command.ts";

/** Throws a UsageError unless `path` can be written: its folder exists and is writable, and it is no folder. */
export function checkOutputPath(path: string, cwd: string, what: string): string {
  const full = resolve(cwd, path);
  const folder = dirname(full);
  const refuse = (reason: string) => {
    throw new UsageError(`cannot write ${what} "${path}": ${reason}; nothing was run`);
  };
  let folderIsDirectory = false;
  try {
    folderIsDirectory = statSync(folder).isDirectory();
  } catch (error) {
    refuse(`folder ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!folderIsDirectory) refuse(`${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    refuse(`folder ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    if (statSync(full).isDirectory()) refuse("it is a folder");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return full;
}

/** Writes `text` to a path checked by checkOutputPath. */
export function writeOutputFile(fullPath: string, text: string): void {
  writeFileSync(fullPath, text);
}
