// Applies another device's change to the folder: a version's block list from the DownloadService
// (`GET /v1/files/content`), each block taken from this device's block cache when it holds it (by
// hash), else fetched through its signed edge URL and checked against its SHA-256 before use; the
// file is then written through a temporary file in the same folder (fsync, rename), so a crash or a
// bad block leaves the old bytes. A local edit not yet uploaded is never overwritten: it moves to
// "name (conflicted copy from D).ext" first. A delete removes the file only when it is unchanged.
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { chunkBytes } from "../core/chunk.ts";
import { SyncbenchError } from "../core/errors.ts";
import { blockSizeBytes } from "../core/limits.ts";
import { writeFileAtomically, type SyncState } from "./sync-state.ts";

export interface ContentAnswer {
  readonly path: string;
  readonly version: number;
  readonly sizeBytes: number;
  readonly blocks: readonly { hash: string; sizeBytes: number; url: string }[];
}

export interface DownloadContext {
  /** The synced folder. */
  readonly dir: string;
  /** Folder of cached blocks, one file per hash (the blocks this device synced). */
  readonly blocksDir: string;
  readonly deviceId: string;
  /** GET on the gateway with the device's token; the answer's status and JSON body. */
  readonly getJson: (path: string) => Promise<{ status: number; json: Record<string, unknown> }>;
  /** GET of a signed block URL: its bytes, or an error naming the status. */
  readonly fetchBlock: (url: string) => Promise<Uint8Array>;
}

export interface DownloadReport {
  filesDown: number;
  filesDeletedHere: number;
  bytesReceived: number;
  blocksReused: number;
  conflicts: number;
}

export function fullPathOf(dir: string, path: string): string {
  return join(dir, ...path.split("/").filter(Boolean));
}

/** Name of the copy that keeps this device's bytes when another device's version wins. */
export function conflictedCopyName(full: string, deviceId: string): string {
  const extension = extname(full);
  return `${full.slice(0, full.length - extension.length)} (conflicted copy from ${deviceId})${extension}`;
}

/** True when the file on disk is exactly what this device last synced (so replacing it loses nothing). */
function unchangedSinceSync(state: SyncState, path: string, full: string): boolean {
  const synced = state.files[path];
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return synced === undefined;
  return synced !== undefined && synced.mtimeMs === stat.mtimeMs && synced.sizeBytes === stat.size;
}

/**
 * Brings `path` to the newest version on the stack (at least `version`, which a notification
 * named): download, or delete when the newest version is a delete. Returns without change when this
 * device already holds that version.
 */
export async function applyRemoteChange(
  ctx: DownloadContext,
  state: SyncState,
  change: { path: string; version: number },
  report: DownloadReport,
): Promise<void> {
  const answer = await ctx.getJson(`/v1/files/content?path=${encodeURIComponent(change.path)}`);
  const code = (answer.json.error as { code?: string } | undefined)?.code;
  if (answer.status === 404 && code === "FILE_DELETED") {
    // The delete's own version is the base of a later re-create: read it from the history.
    const history = await ctx.getJson(
      `/v1/files/versions?path=${encodeURIComponent(change.path)}&limit=1`,
    );
    const newest = (history.json.versions as { version: number }[] | undefined)?.[0]?.version;
    const deletedAt = Math.max(change.version, newest ?? 0);
    return applyRemoteDelete(ctx, state, change.path, deletedAt, report);
  }
  if (answer.status === 404) return; // never committed, or expired: nothing to bring
  if (answer.status !== 200) {
    throw new SyncbenchError(
      "CLIENT_REQUEST_FAILED",
      `content of ${change.path} answered ${answer.status} ${code ?? ""}; ` +
        "the change stays pending and is retried next pass",
    );
  }
  const content = answer.json as unknown as ContentAnswer;
  if ((state.files[change.path]?.version ?? 0) >= content.version) return;
  await writeVersion(ctx, state, content, report);
}

async function writeVersion(
  ctx: DownloadContext,
  state: SyncState,
  content: ContentAnswer,
  report: DownloadReport,
): Promise<void> {
  const full = fullPathOf(ctx.dir, content.path);
  // Fetch every block before touching the folder: a failure leaves it as it was.
  const blocks = new Map<string, Uint8Array>();
  for (const block of content.blocks) {
    if (blocks.has(block.hash)) continue;
    blocks.set(block.hash, await blockBytes(ctx, block, report));
  }
  const total = content.blocks.reduce((sum, b) => sum + b.sizeBytes, 0);
  if (total !== content.sizeBytes) {
    throw new SyncbenchError(
      "CLIENT_CONTENT_INVALID",
      `${content.path} v${content.version}: blocks sum to ${total} B, the version says ` +
        `${content.sizeBytes} B; nothing was written`,
    );
  }
  if (existsSync(full) && !unchangedSinceSync(state, content.path, full)) {
    if (!sameBlocks(full, content)) {
      renameSync(full, conflictedCopyName(full, ctx.deviceId));
      report.conflicts++;
    }
  }
  writeBlocksAtomically(
    full,
    content.blocks.map((b) => blocks.get(b.hash)!),
  );
  const stat = statSync(full);
  state.files[content.path] = {
    version: content.version,
    sizeBytes: content.sizeBytes,
    blockHashes: content.blocks.map((b) => b.hash),
    mtimeMs: stat.mtimeMs,
  };
  delete state.tombstones[content.path];
  report.filesDown++;
}

/** A block from the cache, or fetched, verified and cached. */
async function blockBytes(
  ctx: DownloadContext,
  block: { hash: string; sizeBytes: number; url: string },
  report: DownloadReport,
): Promise<Uint8Array> {
  const cached = join(ctx.blocksDir, block.hash);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    if (sha256(bytes) === block.hash) {
      report.blocksReused++;
      return bytes;
    }
    rmSync(cached); // a damaged cache entry: fetch it again
  }
  const bytes = await ctx.fetchBlock(block.url);
  report.bytesReceived += bytes.length;
  const seen = sha256(bytes);
  if (seen !== block.hash || bytes.length !== block.sizeBytes) {
    throw new SyncbenchError(
      "CLIENT_BLOCK_MISMATCH",
      `block ${block.hash.slice(0, 12)}… fetched ${bytes.length} B with SHA-256 ` +
        `${seen.slice(0, 12)}…, expected ${block.sizeBytes} B; nothing was written`,
    );
  }
  writeFileAtomically(cached, bytes);
  return bytes;
}

/** True when the local file already holds the version's bytes (then nothing is in conflict). */
function sameBlocks(full: string, content: ContentAnswer): boolean {
  if (statSync(full).size !== content.sizeBytes) return false;
  const hashes = chunkBytes(readFileSync(full), blockSizeBytes).blocks.map((b) => b.ref.sha256);
  return hashes.join() === content.blocks.map((b) => b.hash).join();
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes the blocks in order to a temporary file beside `full`, fsyncs it, renames it over `full`. */
function writeBlocksAtomically(full: string, parts: readonly Uint8Array[]): void {
  mkdirSync(dirname(full), { recursive: true });
  const temporary = join(dirname(full), `.${basename(full)}.tmp-${randomBytes(6).toString("hex")}`);
  const fd = openSync(temporary, "wx", 0o644);
  try {
    for (const part of parts) writeSync(fd, part);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, full);
}

/** Another device deleted the path: remove the file if this device did not change it since. */
function applyRemoteDelete(
  ctx: DownloadContext,
  state: SyncState,
  path: string,
  version: number,
  report: DownloadReport,
): void {
  const full = fullPathOf(ctx.dir, path);
  if (state.files[path] && unchangedSinceSync(state, path, full)) {
    rmSync(full, { force: true });
    report.filesDeletedHere++;
  }
  // A local edit survives: with no synced entry, the next scan uploads it over the tombstone.
  delete state.files[path];
  state.tombstones[path] = Math.max(state.tombstones[path] ?? 0, version);
}
