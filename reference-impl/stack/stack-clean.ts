// What `syncbench clean` and `down --purge` remove: the parts of the stack's folder a user chooses
// (data, logs, results, installs cache) and validate's run folders, each measured first so the
// user sees what it held. Nothing outside those folders is ever removed: a cache that
// SYNCBENCH_CACHE_DIR puts outside the stack's folder is shared with other checkouts and is left
// in place, saying so. Data is never removed while a process of the stack runs.
import { existsSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { SyncbenchError } from "../core/errors.ts";

export const cleanParts = ["data", "logs", "results", "cache", "reports"] as const;
export type CleanPart = (typeof cleanParts)[number];

export interface CleanTarget {
  readonly part: CleanPart;
  readonly path: string;
  readonly what: string;
}

/** Every part's folder, from the stack's folder, its cache folder and the repository root. */
export function cleanTargets(rootDir: string, cacheDir: string, repoRoot: string): CleanTarget[] {
  return [
    { part: "data", path: join(rootDir, "data"), what: "databases, buckets, topics, secrets" },
    { part: "logs", path: join(rootDir, "logs"), what: "servers' and services' logs" },
    { part: "results", path: join(rootDir, "results"), what: "results files of `run`" },
    { part: "cache", path: cacheDir, what: "installs: Kafka jars, versitygw, tools" },
    { part: "reports", path: join(repoRoot, "reports", "out"), what: "validate's run folders" },
  ];
}

/** Bytes under a path, not following symbolic links (a link counts as itself). */
export function sizeOf(path: string): number {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue; // gone between the listing and the stat
    }
    total += st.size;
    if (st.isDirectory()) for (const e of readdirSync(p)) stack.push(join(p, e));
  }
  return total;
}

/** The path lies inside the folder (or is it). */
function inside(path: string, folder: string): boolean {
  const r = relative(resolve(folder), resolve(path));
  return r === "" || (!r.startsWith("..") && !r.startsWith("/"));
}

export interface CleanOutcome {
  readonly part: CleanPart;
  readonly path: string;
  readonly bytes: number;
  readonly action: "removed" | "would remove" | "absent" | "kept";
  readonly note?: string;
}

export interface CleanRequest {
  readonly parts: readonly CleanPart[];
  readonly dryRun: boolean;
  /** Names of the stack's processes still running; data and logs are refused while any runs. */
  readonly running: readonly string[];
  readonly rootDir: string;
}

export function clean(targets: readonly CleanTarget[], request: CleanRequest): CleanOutcome[] {
  const chosen = targets.filter((t) => request.parts.includes(t.part));
  const needsStopped = chosen.filter((t) => t.part === "data" || t.part === "logs");
  if (needsStopped.length > 0 && request.running.length > 0)
    throw new SyncbenchError(
      "CLEAN_REQUEST_INVALID",
      `the stack still runs (${request.running.join(", ")}): removing its ` +
        `${needsStopped.map((t) => t.part).join(" and ")} under it would corrupt it; nothing was removed`,
      {
        hint: "npx syncbench down first, or npx syncbench down --purge (stops, then removes data and logs)",
      },
    );
  return chosen.map((t): CleanOutcome => {
    if (!existsSync(t.path)) return { part: t.part, path: t.path, bytes: 0, action: "absent" };
    const bytes = sizeOf(t.path);
    if (t.part === "cache" && !inside(t.path, request.rootDir))
      return {
        part: t.part,
        path: t.path,
        bytes,
        action: "kept",
        note: "outside this stack's folder (SYNCBENCH_CACHE_DIR): shared, remove it yourself",
      };
    if (request.dryRun) return { part: t.part, path: t.path, bytes, action: "would remove" };
    rmSync(t.path, { recursive: true, force: true });
    return { part: t.part, path: t.path, bytes, action: "removed" };
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
