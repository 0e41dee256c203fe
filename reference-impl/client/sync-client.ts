// The sync client: keeps a folder in step with the user's files on the stack. One pass scans the
// folder, uploads what changed since the last synced version (upload-init, then for each block the
// server lacks a delta against the old blocks i-1..i+1 when this device still holds them, else the
// block whole; possession proofs for blocks others uploaded; the commit), commits deletions, and
// on a version conflict keeps both: the local bytes move to "name (conflicted copy from D).ext".
// listen() holds the notification WebSocket (long-poll when the upgrade is refused), reconnecting
// with full-jitter backoff, and records other devices' changes as pending downloads.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import WebSocket from "ws";
import { chunkBytes } from "../core/chunk.ts";
import { encodeDelta } from "../core/delta.ts";
import { SyncbenchError } from "../core/errors.ts";
import { blockSizeBytes } from "../core/limits.ts";
import { fullJitterDelayMs } from "./backoff.ts";
import { retryAfterMs } from "./retry-after.ts";
import { loadState, saveState, writeFileAtomically, type SyncState } from "./sync-state.ts";

export interface SyncClientOptions {
  readonly dir: string;
  readonly gatewayUrl: string;
  readonly token: () => string;
  readonly deviceId: string;
  readonly random: () => number;
  readonly log: (line: string) => void;
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
  /** Other devices' changes seen in notifications and not downloaded yet (DownloadService pending). */
  pendingDownloads: number;
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
    this.stateDir = join(options.dir, stateDirName);
    this.statePath = join(this.stateDir, "state.json");
    mkdirSync(join(this.stateDir, "blocks"), { recursive: true });
    this.state = loadState(this.statePath);
  }

  /** Scans the folder and uploads every change since the last synced version. */
  async pass(): Promise<PassReport> {
    const report: PassReport = {
      filesUp: 0,
      filesDeleted: 0,
      filesDown: 0,
      bytesSent: 0,
      bytesReceived: 0,
      blocksDeduplicated: 0,
      blocksAsDelta: 0,
      conflicts: 0,
      pendingDownloads: 0,
    };
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
    saveState(this.statePath, this.state);
    return report;
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

  private async requestOnce(method: string, path: string, body?: unknown, raw?: Uint8Array) {
    const response = await fetch(`${this.options.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.options.token()}`,
        "content-type": raw ? "application/octet-stream" : "application/json",
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const json = (await response.json()) as Record<string, unknown>;
    const waitMs =
      response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers.get("retry-after"), Date.now())
        : undefined;
    return { status: response.status, json, waitMs };
  }

  private async upload(path: string, report: PassReport): Promise<void> {
    const full = join(this.options.dir, ...path.split("/").filter(Boolean));
    const mtimeMs = statSync(full).mtimeMs;
    const bytes = readFileSync(full);
    const blocks = chunkBytes(bytes, blockSizeBytes).blocks;
    const hashes = blocks.map((b) => b.ref.sha256);
    const synced = this.state.files[path];
    const baseVersion = synced?.version ?? 0;
    const init = await this.request("POST", "/v1/files/upload-init", {
      path,
      size: bytes.length,
      blockHashes: hashes,
      baseVersion,
    });
    if (init.status !== 200) throw apiError(`upload-init of ${path}`, init);
    const answer = init.json as unknown as InitAnswer;
    const missing = new Set(answer.missing);
    report.blocksDeduplicated += hashes.length - missing.size;
    for (const block of blocks) {
      if (!missing.has(block.ref.sha256)) continue;
      missing.delete(block.ref.sha256);
      report.bytesSent += await this.sendBlock(
        block.ref.sha256,
        block.bytes,
        answer.deltaBases[block.ref.sha256],
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
    for (const block of blocks)
      writeFileAtomically(join(this.stateDir, "blocks", block.ref.sha256), block.bytes);
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
    const extension = extname(full);
    const copy = `${full.slice(0, full.length - extension.length)} (conflicted copy from ${this.options.deviceId})${extension}`;
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
   * Holds the notification socket until the signal aborts, reconnecting with full-jitter backoff
   * (0.5-30 s) and its cursor; other devices' changes go to pendingDownloads and onChange runs.
   */
  async listen(signal: AbortSignal, onChange: () => void): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const opened = await this.holdSocket(signal, onChange);
      if (signal.aborted) break;
      attempt = opened ? 0 : attempt + 1;
      const delayMs = fullJitterDelayMs(attempt, this.options.random);
      this.options.log(`notifications: reconnecting in ${(delayMs / 1000).toFixed(1)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }

  /** One socket's life; resolves true if it opened (the backoff then starts over), false if refused. */
  private holdSocket(signal: AbortSignal, onChange: () => void): Promise<boolean> {
    const cursor = this.state.cursor;
    const url =
      `${this.options.gatewayUrl.replace(/^http/, "ws")}/v1/notifications?device=${encodeURIComponent(this.options.deviceId)}` +
      (cursor ? `&cursor=${cursor}` : "");
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.options.token()}` } });
    let opened = false;
    return new Promise((resolve) => {
      const abort = () => ws.close(1000);
      signal.addEventListener("abort", abort, { once: true });
      ws.on("open", () => {
        opened = true;
      });
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as {
          type: string;
          cursor: string;
          event?: { filePath: string; version: number };
        };
        this.state.cursor = message.cursor;
        if (message.type === "event" && message.event) {
          const mine = this.state.files[message.event.filePath];
          if (!mine || mine.version < message.event.version) {
            this.state.pendingDownloads[message.event.filePath] = message.event.version;
            onChange();
          }
        }
        saveState(this.statePath, this.state);
        ws.send(JSON.stringify({ type: "ack", cursor: message.cursor }));
      });
      ws.on("unexpected-response", (req, res) => {
        this.options.log(`notifications: upgrade refused with ${res.statusCode}`);
        req.destroy();
      });
      ws.on("error", (error) => this.options.log(`notifications: ${error.message}`));
      ws.on("close", () => {
        signal.removeEventListener("abort", abort);
        resolve(opened);
      });
    });
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
