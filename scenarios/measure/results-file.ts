// Reading and writing results.json: validated against formats/results.schema.ts both ways, written to
// a temporary name then renamed, so a reader never sees half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { checkResults, parseResultsFile, type Results } from "../../formats/results.schema.ts";

export function writeResults(path: string, results: Results): void {
  const checked = checkResults(results, path);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`);
  renameSync(temporary, path);
}

export function readResults(path: string): Results {
  return parseResultsFile(readFileSync(path, "utf8"), path);
}
