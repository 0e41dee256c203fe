// The CLI's one way to read an input file for a command: relative to the command's working
// directory, and a file that cannot be read is a usage error naming the path and the reason.
// What the text means is formats/' business (parse*File), not this file's.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "./command.ts";

export function readInputFile(path: string, cwd: string, what: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read ${what} "${path}": ${reason}`);
  }
}
