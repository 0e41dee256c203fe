// The sync client: keeps a folder in step with the user's files on the stack. One pass scans the
// folder, uploads what changed since the last synced version (upload-init, then for each block the
// server lacks a delta against the old blocks i-1..i+1 when this device still holds them, else the
// block whole; possession proofs for blocks others uploaded; the commit), commits deletions, and
// on a version conflict keeps both: the local bytes move to "name (conflicted copy from D).ext".
// Before the uploads it applies other devices' changes (file-download.ts): those notifications
// named, and on a device's first pass (or with `full`) every file the listing shows newer than its
// own. listen() holds the notification WebSocket (long-poll when it cannot connect), reconnecting
// with full-jitter backoff, and records other devices' changes as pending downloads.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { chunkBytes } from "../core/chunk.ts";
import { encodeDelta } from "../core/delta.ts";
import { SyncbenchError } from "../core/errors.ts";
import { blockSizeBytes } from "../core/limits.ts";
import type { UploadMode } from "../core/variants.ts";
import {
  applyRemoteChange,
  conflictedCopyName,
  fullPathOf,
  type DownloadContext,
} from "./file-download.ts";
import { checkLinkMbps, pacedBody } from "./link-pacer.ts";
import { listen, type Notification, type Transport } from "./notification-listener.ts";
import { retryAfterMs } from "./retry-after.ts";
import { loadState, saveState, writeFileAtomically, type SyncState } from "./sync-state.ts";

export interface SyncClientOptions {
  readonly dir: string;
  readonly gatewayUrl: string;
  readonly token: () => string;
  readonly deviceId: string;
  readonly random: () => number;
  readonly log: (line: string) => void;
  /**
   * What an edit uploads (the variant's upload flag, core/variants.ts): "delta" (default) a delta
   * per block the server lacks when this device holds its old blocks; "block" those blocks whole;
   * "whole-file" every block of the file whole, whatever the server already has.
   */
  readonly upload?: UploadMode;
  /** Request bodies paced to this link speed (link-pacer.ts); absent: as fast as loopback goes. */
  readonly linkMbps?: number;
  /** Called as each commit is answered, with performance.now() (for notification delays). */
  readonly onCommitted?: (path: string, version: number, atMs: number) => void;
}

/** What one pass did (`syncbench client sync --json` prints one per pass). */
export interface PassReport {
  filesUp: number;
  filesDeleted: number;
  filesDown: number;
  bytesSent: number;
  bytesReceived: number;
  blocksDeduplicated: number;
  blocksAsDelta: number;
  conflicts: number;
  /** Files this device removed because another device deleted them. */
  filesDeletedHere: number;
  /** Blocks of downloaded versions taken from this device's block cache instead of the network. */
  blocksReused: number;
  /** Other devices' changes not applied yet (a download failed; retried next pass). */
  pendingDownloads: number;
  /** HTTP requests the pass sent (upload-init, blocks, commits). */
  requestCount: number;
  /** Bytes of every request body the pass sent (the JSON of upload-init and commit too). */
  requestBodyBytes: number;
  /** Milliseconds from each upload's upload-init sent to its commit answered, summed. */
  uploadMs: number;
}

interface InitAnswer {
  /** Issued by upload-init for this user and path; the commit sends it back (issue 12). */
  uploadId: string;
  currentVersion: number;
  missing: string[];
  deltaBases: Record<string, string[]>;
  challenges: { hash: string; token: string; nonce: string }[];
}

const stateDirName = ".syncbench-client";
/** Retries of one call that the service refused with Retry-After (429, 503). */
const overloadRetriesMax = 5;

export class SyncClient {
  private readonly stateDir: string;
  private readonly statePath: string;
  readonly state: SyncState;

  constructor(private readonly options: SyncClientOptions) {
    if (options.linkMbps !== undefined) checkLinkMbps(options.linkMbps);
    this.stateDir = join(options.dir, stateDirName);
    this.statePath = join(this.stateDir, "state.json");
    mkdirSync(join(this.stateDir, "blocks"), { recursive: true });
    this.state = loadState(this.statePath);
  }

  /**
   * Applies other devices' changes, then scans the folder and uploads every change since the last
   * synced version. `full` (and a device's first pass) compares the whole listing first.
   */
  async pass(options: { full?: boolean } = {}): Promise<PassReport> {
    const report: PassReport = {
      filesUp: 0,
      filesDeleted: 0,
      filesDown: 0,
      bytesSent: 0,
      bytesReceived: 0,
      blocksDeduplicated: 0,
      blocksAsDelta: 0,
      conflicts: 0,
      filesDeletedHere: 0,
      blocksReused: 0,
      pendingDownloads: 0,
      requestCount: 0,
      requestBodyBytes: 0,
      uploadMs: 0,
    };
    this.requestCount = 0;
    this.requestBodyBytes = 0;
    if (options.full || !this.state.listed) await this.catchUpByListing();
    await this.applyPending(report);
    const onDisk = this.scan();
    for (const [path, stat] of onDisk) {
      const synced = this.state.files[path];
      if (synced && synced.mtimeMs === stat.mtimeMs && synced.sizeBytes === stat.size) continue;
      await this.upload(path, report);
    }
    for (const path of Object.keys(this.state.files)) {
      if (!onDisk.has(path)) await this.uploadDelete(path, report);
    }
    report.pendingDownloads = Object.keys(this.state.pendingDownloads).length;
    report.requestCount = this.requestCount;
    report.requestBodyBytes = this.requestBodyBytes;
    saveState(this.statePath, this.state);
    return report;
  }

  /** Downloads (or deletes) each pending path; a failure keeps it pending for the next pass. */
  private async applyPending(report: PassReport): Promise<void> {
    const context: DownloadContext = {
      dir: this.options.dir,
      blocksDir: join(this.stateDir, "blocks"),
      deviceId: this.options.deviceId,
      getJson: (path) => this.request("GET", path),
      fetchBlock: async (url) => {
        const response = await fetch(url);
        if (response.status !== 200) {
          throw new SyncbenchError(
            "CLIENT_REQUEST_FAILED",
            `block URL answered ${response.status}; the change stays pending`,
          );
        }
        return new Uint8Array(await response.arrayBuffer());
      },
    };
    for (const [path, version] of Object.entries(this.state.pendingDownloads)) {
      try {
        if (this.knownVersion(path) < version)
          await applyRemoteChange(context, this.state, { path, version }, report);
        // A notification for a newer version may have arrived while this one was applied (the
        // listener writes pendingDownloads at any await): that one stays for the next pass.
        if (this.state.pendingDownloads[path] === version) delete this.state.pendingDownloads[path];
      } catch (error) {
        this.options.log(`download of ${path} v${version}: ${(error as Error).message}`);
      }
      saveState(this.statePath, this.state);
    }
  }

  /**
   * A first pass (no cursor yet) or a full one: takes the user's newest notification cursor, then
   * marks every listed file newer than this device's copy as pending, so nothing before the cursor
   * is missed and nothing after it is missed either (notifications resume from it).
   */
  private async catchUpByListing(): Promise<void> {
    if (this.state.cursor === undefined) {
      const head = await this.request(
        "GET",
        `/v1/notifications/longpoll?device=${encodeURIComponent(this.options.deviceId)}`,
      );
      if (head.status !== 200) throw apiError("the newest notification cursor", head);
      this.state.cursor = head.json.cursor as string;
    }
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await this.request("GET", `/v1/files?limit=1000${query}`);
      if (page.status !== 200) throw apiError("the file listing", page);
      for (const file of page.json.files as { path: string; version: number }[]) {
        if (this.knownVersion(file.path) < file.version)
          this.state.pendingDownloads[file.path] = file.version;
      }
      cursor = page.json.nextCursor as string | null;
    } while (cursor !== null);
    this.state.listed = true;
  }

  /** Relative paths ("/a/b.txt") of the folder's regular files, without the client's own folder. */
  private scan(): Map<string, { mtimeMs: number; size: number }> {
    const found = new Map<string, { mtimeMs: number; size: number }>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== stateDirName) walk(full);
        else if (entry.isFile() && !entry.name.includes(".tmp-")) {
          const stat = statSync(full);
          found.set(`/${relative(this.options.dir, full).split(sep).join("/")}`, {
            mtimeMs: stat.mtimeMs,
            size: stat.size,
          });
        }
      }
    };
    walk(this.options.dir);
    return found;
  }

  private requestCount = 0;
  private requestBodyBytes = 0;

  /**
   * One API call. A 429 or 503 with Retry-After is sent again after that wait (capped by
   * overloadLimits.retryAfterMsMax), at most overloadRetriesMax times: a shedding service asks
   * for exactly that, and every call here is idempotent (a commit retry replays its uploadId).
   */
  private async request(method: string, path: string, body?: unknown, raw?: Uint8Array) {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.requestOnce(method, path, body, raw);
      if (answer.waitMs === undefined || attempt >= overloadRetriesMax) return answer;
      this.options.log(`${method} ${path}: ${answer.status}, retrying after ${answer.waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
    }
  }

  /** Every attempt counts as a request and its body's bytes as sent (a pass's report). */
  private async requestOnce(method: string, path: string, body?: unknown, raw?: Uint8Array) {
    this.requestCount++;
    const bytes = raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    this.requestBodyBytes += bytes?.length ?? 0;
    const paced = bytes !== undefined && this.options.linkMbps !== undefined;
    const response = await fetch(`${this.options.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.options.token()}`,
        "content-type": raw ? "application/octet-stream" : "application/json",
        ...(paced ? { "content-length": String(bytes.length) } : {}),
      },
      body: paced ? pacedBody(bytes, this.options.linkMbps!) : bytes,
      ...(paced ? { duplex: "half" } : {}),
    } as RequestInit);
    const json = (await response.json()) as Record<string, unknown>;
    const waitMs =
      response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers.get("retry-after"), Date.now())
        : undefined;
    return { status: response.status, json, waitMs };
  }

  private async upload(path: string, report: PassReport): Promise<void> {
    const full = fullPathOf(this.options.dir, path);
    const mtimeMs = statSync(full).mtimeMs;
    const bytes = readFileSync(full);
    const blocks = chunkBytes(bytes, blockSizeBytes).blocks;
    const hashes = blocks.map((b) => b.ref.sha256);
    const baseVersion = this.knownVersion(path);
    const startedMs = performance.now();
    const init = await this.request("POST", "/v1/files/upload-init", {
      path,
      size: bytes.length,
      blockHashes: hashes,
      baseVersion,
    });
    if (init.status !== 200) throw apiError(`upload-init of ${path}`, init);
    const answer = init.json as unknown as InitAnswer;
    const mode = this.options.upload ?? "delta";
    // whole-file (V0) sends every block, so nothing is deduplicated against the server's copy.
    const missing = new Set(mode === "whole-file" ? hashes : answer.missing);
    report.blocksDeduplicated += hashes.length - missing.size;
    for (const block of blocks) {
      if (!missing.has(block.ref.sha256)) continue;
      missing.delete(block.ref.sha256);
      report.bytesSent += await this.sendBlock(
        block.ref.sha256,
        block.bytes,
        mode === "delta" ? answer.deltaBases[block.ref.sha256] : undefined,
        report,
      );
    }
    const proofs = answer.challenges.map((c) => ({
      hash: c.hash,
      token: c.token,
      proof: createHash("sha256")
        .update(Buffer.from(c.nonce, "hex"))
        .update(blocks.find((b) => b.ref.sha256 === c.hash)!.bytes)
        .digest("hex"),
    }));
    const commit = await this.request("POST", "/v1/files/commit", {
      uploadId: answer.uploadId,
      path,
      size: bytes.length,
      blockHashes: hashes,
      baseVersion,
      ...(proofs.length > 0 ? { proofs } : {}),
    });
    if (
      commit.status === 409 &&
      (commit.json.error as { code?: string }).code === "VERSION_CONFLICT"
    ) {
      return this.keepBoth(
        path,
        full,
        (commit.json.error as { currentVersion: number }).currentVersion,
        report,
      );
    }
    if (commit.status !== 200) throw apiError(`commit of ${path}`, commit);
    const committedAtMs = performance.now();
    report.uploadMs += committedAtMs - startedMs;
    this.options.onCommitted?.(path, commit.json.version as number, committedAtMs);
    for (const block of blocks)
      writeFileAtomically(join(this.stateDir, "blocks", block.ref.sha256), block.bytes);
    delete this.state.tombstones[path];
    this.state.files[path] = {
      version: commit.json.version as number,
      sizeBytes: bytes.length,
      blockHashes: hashes,
      mtimeMs,
    };
    report.filesUp++;
  }

  /** Sends one block: a delta against the old blocks the server named when this device holds them. */
  private async sendBlock(
    hash: string,
    bytes: Uint8Array,
    bases: readonly string[] | undefined,
    report: PassReport,
  ): Promise<number> {
    const cached = (bases ?? []).map((b) => join(this.stateDir, "blocks", b));
    if (cached.length > 0 && cached.every((p) => existsSync(p))) {
      const source = Buffer.concat(cached.map((p) => readFileSync(p)));
      const delta = encodeDelta(source, bytes);
      if (delta.length < bytes.length / 2) {
        const put = await this.request(
          "PUT",
          `/v1/blocks/${hash}/delta?base=${bases!.join(",")}`,
          undefined,
          delta,
        );
        if (put.status === 200 || put.status === 201) {
          report.blocksAsDelta++;
          return delta.length;
        }
        this.options.log(
          `delta of block ${hash.slice(0, 12)}… refused (${put.status}); sending it whole`,
        );
      }
    }
    const put = await this.request("PUT", `/v1/blocks/${hash}`, undefined, bytes);
    if (put.status !== 200 && put.status !== 201)
      throw apiError(`upload of block ${hash.slice(0, 12)}…`, put);
    return bytes.length;
  }

  private async uploadDelete(path: string, report: PassReport): Promise<void> {
    const synced = this.state.files[path]!;
    // A delete is a commit too: its uploadId comes from an upload-init for the path.
    const init = await this.request("POST", "/v1/files/upload-init", {
      path,
      size: 0,
      blockHashes: [],
      baseVersion: synced.version,
    });
    if (init.status !== 200) throw apiError(`upload-init of the delete of ${path}`, init);
    const commit = await this.request("POST", "/v1/files/commit", {
      uploadId: (init.json as unknown as InitAnswer).uploadId,
      path,
      size: 0,
      blockHashes: [],
      baseVersion: synced.version,
      delete: true,
    });
    if (commit.status === 409) {
      // Changed elsewhere since: the other device's version wins over a delete; fetch it later.
      this.state.pendingDownloads[path] =
        (commit.json.error as { currentVersion?: number }).currentVersion ?? 0;
    } else if (commit.status !== 200) throw apiError(`delete of ${path}`, commit);
    else this.state.tombstones[path] = commit.json.version as number;
    delete this.state.files[path];
    report.filesDeleted++;
  }

  /** Another device committed first: the local bytes become a conflicted copy, uploaded as a new file. */
  private async keepBoth(
    path: string,
    full: string,
    currentVersion: number,
    report: PassReport,
  ): Promise<void> {
    const copy = conflictedCopyName(full, this.options.deviceId);
    renameSync(full, copy);
    report.conflicts++;
    this.state.pendingDownloads[path] = Math.max(
      this.state.pendingDownloads[path] ?? 0,
      currentVersion,
    );
    delete this.state.files[path];
    const copyPath = `/${relative(this.options.dir, copy).split(sep).join("/")}`;
    await this.upload(copyPath, report);
  }

  /**
   * Listens for other devices' changes until the signal aborts (WebSocket, long-poll when the socket
   * cannot connect; see notification-listener.ts), records them as pending downloads and runs
   * onChange, which should run a pass.
   */
  async listen(
    signal: AbortSignal,
    onChange: (notification: Notification) => void,
    transport: Transport = "auto",
  ): Promise<void> {
    await listen(
      {
        gatewayUrl: this.options.gatewayUrl,
        token: this.options.token,
        deviceId: this.options.deviceId,
        random: this.options.random,
        log: this.options.log,
        transport,
        cursor: () => this.state.cursor,
        onMessage: (message) => {
          this.state.cursor = message.cursor;
          const event = message.event;
          const known = event && this.knownVersion(event.filePath);
          if (event && known !== undefined && known < event.version) {
            this.state.pendingDownloads[event.filePath] = Math.max(
              this.state.pendingDownloads[event.filePath] ?? 0,
              event.version,
            );
          }
          saveState(this.statePath, this.state);
          if (event) onChange(message);
        },
      },
      signal,
    );
  }

  /** The version this device holds of a path: synced, or the delete it knows of, or 0. */
  private knownVersion(path: string): number {
    return this.state.files[path]?.version ?? this.state.tombstones[path] ?? 0;
  }
}

function apiError(
  what: string,
  answer: { status: number; json: Record<string, unknown> },
): SyncbenchError {
  const error = (answer.json.error ?? {}) as { code?: string; message?: string };
  return new SyncbenchError(
    "CLIENT_REQUEST_FAILED",
    `${what} answered ${answer.status} ${error.code ?? ""}: ` +
      `${error.message ?? JSON.stringify(answer.json)}; the file stays unsynced and is retried next pass`,
  );
}
