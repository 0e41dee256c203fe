// The sync client's local state file (<dir>/.syncbench-client/state.json): per path the version it
// last synced and that version's block hashes, and the notification cursor. Written atomically
// (temporary file, fsync, rename), so a crash leaves the previous state, never half of one.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { SyncbenchError } from "../core/errors.ts";

export interface SyncedFile {
  readonly version: number;
  readonly sizeBytes: number;
  readonly blockHashes: readonly string[];
  /** mtime at the last sync: an unchanged mtime and size skip the rehash. */
  readonly mtimeMs: number;
}

export interface SyncState {
  readonly schemaVersion: 1;
  files: Record<string, SyncedFile>;
  /** Last notification cursor processed (undefined: none yet). */
  cursor: string | undefined;
  /** Paths other devices changed that this device has not downloaded yet (path -> version). */
  pendingDownloads: Record<string, number>;
  /** Paths deleted on the stack -> the delete's version (the base a re-create commits against). */
  tombstones: Record<string, number>;
  /** True once a pass compared the whole listing (a new device learns the files before its cursor). */
  listed: boolean;
}

export function emptyState(): SyncState {
  return {
    schemaVersion: 1,
    files: {},
    cursor: undefined,
    pendingDownloads: {},
    tombstones: {},
    listed: false,
  };
}

export function loadState(path: string): SyncState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw error;
  }
  const state = JSON.parse(text) as Partial<SyncState>;
  if (state.schemaVersion !== 1 || typeof state.files !== "object" || state.files === null) {
    throw new SyncbenchError(
      "CLIENT_STATE_INVALID",
      `${path} is not a schemaVersion 1 sync state; nothing was synced`,
      { hint: "move the file away to resync the folder from scratch" },
    );
  }
  return {
    schemaVersion: 1,
    files: state.files,
    cursor: state.cursor,
    pendingDownloads: state.pendingDownloads ?? {},
    tombstones: state.tombstones ?? {},
    listed: state.listed ?? false,
  };
}

/** Writes bytes to path through a temporary file in the same folder: fsync, then rename. */
export function writeFileAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(temporary, "wx");
  try {
    writeSync(fd, typeof bytes === "string" ? Buffer.from(bytes) : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

export function saveState(path: string, state: SyncState): void {
  writeFileAtomically(path, `${JSON.stringify(state, null, 1)}\n`);
}
