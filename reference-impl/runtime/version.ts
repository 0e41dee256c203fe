// syncbench's own version, read from package.json, the one place it is written: `--version`,
// `syncbench version`, results.json and the knee file all print this value, so a release bumps one
// line. Read on first use (nothing reads a file at import time) and kept for the process's life.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageJsonPath = fileURLToPath(new URL("../../package.json", import.meta.url));
// Semantic Versioning 2.0.0's shape (major.minor.patch, optional -pre and +build), loosely.
const versionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

let cached: string | undefined;

/** The `version` field of syncbench's package.json, e.g. "0.1.0". */
export function syncbenchVersion(): string {
  cached ??= versionFromPackageJson(readFileSync(packageJsonPath, "utf8"), packageJsonPath);
  return cached;
}

/** Parses package.json's text and returns its version; throws naming the file and value seen. */
export function versionFromPackageJson(text: string, path: string): string {
  const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== "string" || !versionPattern.test(version)) {
    throw new Error(
      `${path}: "version" must be a semantic version such as "0.1.0", got ` +
        `${JSON.stringify(version)}; syncbench cannot say which version it is`,
    );
  }
  return version;
}
