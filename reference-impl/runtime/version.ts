// syncbench's own version and the Node version it needs, read from package.json, the one place
// each is written: `--version`, `syncbench version`, results.json and the knee file print the
// version; `bin/syncbench.mjs` and `doctor` check the running Node against `engines.node`. Read on
// first use (nothing reads a file at import time) and kept for the process's life.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageJsonPath = fileURLToPath(new URL("../../package.json", import.meta.url));
// Semantic Versioning 2.0.0's shape (major.minor.patch, optional -pre and +build), loosely.
const versionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
// The one form of engines.node that syncbench reads: a lower bound on a full version.
const enginesPattern = /^>=(\d+)\.(\d+)\.(\d+)$/;

export interface PackageFacts {
  /** package.json's `version`, e.g. "0.1.0". */
  readonly version: string;
  /** package.json's `engines.node`, e.g. ">=24.11.0". */
  readonly nodeRange: string;
  /** The lowest Node version that range admits, as [major, minor, patch]. */
  readonly nodeMin: readonly [number, number, number];
}

let cached: PackageFacts | undefined;

function facts(): PackageFacts {
  cached ??= factsFromPackageJson(readFileSync(packageJsonPath, "utf8"), packageJsonPath);
  return cached;
}

/** The `version` field of syncbench's package.json, e.g. "0.1.0". */
export function syncbenchVersion(): string {
  return facts().version;
}

/** package.json's `engines.node`, e.g. ">=24.11.0". */
export function nodeVersionRange(): string {
  return facts().nodeRange;
}

/**
 * Why `nodeVersion` (as `process.version`, "v24.22.3") cannot run syncbench, or undefined when it
 * can. The message names the version seen and the range package.json asks for.
 */
export function nodeVersionProblem(
  nodeVersion: string,
  packageFacts: PackageFacts = facts(),
): string | undefined {
  const { nodeRange, nodeMin } = packageFacts;
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(nodeVersion);
  if (!parts) return `Node version "${nodeVersion}" is not a version; syncbench needs ${nodeRange}`;
  const seen = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  for (let i = 0; i < 3; i++) {
    if (seen[i]! > nodeMin[i]!) return undefined;
    if (seen[i]! < nodeMin[i]!) {
      return `Node ${nodeVersion} is older than syncbench needs (package.json engines.node ${nodeRange})`;
    }
  }
  return undefined;
}

/** Parses package.json's text; throws naming the file, the field and the value seen. */
export function factsFromPackageJson(text: string, path: string): PackageFacts {
  const pkg = JSON.parse(text) as { version?: unknown; engines?: { node?: unknown } };
  const version = pkg.version;
  if (typeof version !== "string" || !versionPattern.test(version)) {
    throw new Error(
      `${path}: "version" must be a semantic version such as "0.1.0", got ` +
        `${JSON.stringify(version)}; syncbench cannot say which version it is`,
    );
  }
  const nodeRange = pkg.engines?.node;
  const bound = typeof nodeRange === "string" ? enginesPattern.exec(nodeRange) : null;
  if (typeof nodeRange !== "string" || !bound) {
    throw new Error(
      `${path}: "engines.node" must be a lower bound such as ">=24.11.0", got ` +
        `${JSON.stringify(nodeRange)}; syncbench cannot check the Node it runs on`,
    );
  }
  const nodeMin = [Number(bound[1]), Number(bound[2]), Number(bound[3])] as const;
  return { version, nodeRange, nodeMin };
}
