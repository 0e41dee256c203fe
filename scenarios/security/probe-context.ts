// What every attack of the security probe shares: the stack's addresses and secrets, three users
// with tokens (alice owns the blocks, mallory attacks, carol legitimately holds a copy), and the
// fixture alice committed before the attacks start. Names carry a per-run tag, so two runs against
// one stack never meet; everything alice stores is committed (fsck stays clean).
import { randomBytes, randomUUID } from "node:crypto";
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { ask, askJson, describeAnswer, type Answer } from "./probe-http.ts";

export interface SecurityTarget {
  readonly gatewayUrl: string;
  readonly cdnUrl: string;
  readonly s3: {
    readonly url: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly bucket: string;
  };
  readonly jwtSecret: string;
  /** The DownloadService's HMAC key of signed block URLs (the edge rows sign expired URLs with it). */
  readonly blockUrlKey: string | undefined;
  /** The metadata shard of a user id (decision 0002): lets the probe pick two users on one shard. */
  readonly shardOf: (userId: string) => number;
}

export type Verdict = "refused" | "allowed" | "not-applicable";

export interface Outcome {
  readonly verdict: Verdict;
  readonly detail: string;
}

export interface Attack {
  readonly group: string;
  readonly probe: string;
  /** What counts as refused, in one line. */
  readonly rule: string;
  run(ctx: ProbeContext): Promise<Outcome>;
}

export interface Fixture {
  /** alice's committed file [x, y] and its blocks. */
  readonly path: string;
  readonly x: Buffer;
  readonly y: Buffer;
}

const settleMsMax = 15_000;
const settleAnswersInARow = 6;

export class ProbeContext {
  readonly tag = randomUUID().slice(0, 8);
  readonly alice = `probe-${this.tag}-alice`;
  readonly mallory = `probe-${this.tag}-mallory`;
  readonly carol = `probe-${this.tag}-carol`;
  fixture!: Fixture;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly target: SecurityTarget) {}

  /** Runs `make` once per probe run (e.g. warming the edge) and shares its result. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as Promise<T>;
  }

  token(user: string, ttlS = 600): string {
    return signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + ttlS }, this.target.jwtSecret);
  }

  api(user: string | undefined, method: string, path: string, body: unknown): Promise<Answer> {
    return askJson(
      `${this.target.gatewayUrl}${path}`,
      user === undefined ? undefined : this.token(user),
      method,
      body,
    );
  }

  putBlock(user: string, hash: string, bytes: Uint8Array, suffix = ""): Promise<Answer> {
    return ask(`${this.target.gatewayUrl}/v1/blocks/${hash}${suffix}`, {
      method: "PUT",
      body: bytes,
      headers: {
        authorization: `Bearer ${this.token(user)}`,
        "content-type": "application/octet-stream",
      },
    });
  }

  init(
    user: string,
    path: string,
    blocks: readonly Uint8Array[],
    size = sizeOf(blocks),
  ): Promise<Answer> {
    return this.api(user, "POST", "/v1/files/upload-init", {
      path,
      size,
      blockHashes: blocks.map(sha256Hex),
    });
  }

  /** upload-init then commit with the uploadId it issued; extra fields override the commit body. */
  async initAndCommit(
    user: string,
    path: string,
    blocks: readonly Uint8Array[],
    extra: Record<string, unknown> = {},
  ): Promise<{ init: Answer; commit: Answer; uploadId: string }> {
    const init = await this.init(user, path, blocks);
    const plan = jsonOf(init);
    const uploadId = typeof plan.uploadId === "string" ? plan.uploadId : randomUUID();
    const commit = await this.api(user, "POST", "/v1/files/commit", {
      uploadId,
      path,
      size: sizeOf(blocks),
      blockHashes: blocks.map(sha256Hex),
      baseVersion: Number(plan.currentVersion ?? 0),
      ...extra,
    });
    return { init, commit, uploadId };
  }

  /** The version of `path` the user holds now (0: none), read through upload-init. */
  async versionOf(user: string, path: string): Promise<number | string> {
    const a = await this.init(user, path, []);
    const v = jsonOf(a).currentVersion;
    return typeof v === "number" ? v : `unreadable (${a.status})`;
  }

  /** A user id other than `not` on the shard of `user`, found by trying suffixes (64 shards). */
  userOnShardOf(user: string, not: readonly string[] = []): string {
    const shard = this.target.shardOf(user);
    for (let i = 0; i < 10_000; i++) {
      const candidate = `probe-${this.tag}-neighbour-${i}`;
      if (this.target.shardOf(candidate) === shard && !not.includes(candidate)) return candidate;
    }
    throw new Error(`no user id on shard ${shard} within 10,000 tries`);
  }

  /** A user id on another shard than `user`. */
  userOnOtherShard(user: string): string {
    const shard = this.target.shardOf(user);
    for (let i = 0; i < 10_000; i++) {
      const candidate = `probe-${this.tag}-far-${i}`;
      if (this.target.shardOf(candidate) !== shard) return candidate;
    }
    throw new Error(`every user id tried is on shard ${shard}: is shardOf constant?`);
  }

  /**
   * Waits (at most settleMsMax) until a legitimate upload-init through the gateway answers 200, so a
   * row is not judged on an upstream that the previous row's oversized body got ejected.
   */
  async settle(): Promise<void> {
    // nginx keeps an upstream's failures per worker process: one 200 may come from a worker that
    // has recovered while the other has not, so the gateway counts as back after several in a row.
    const deadline = Date.now() + settleMsMax;
    let inARow = 0;
    while (Date.now() < deadline && inARow < settleAnswersInARow) {
      const ok = (await this.init(this.carol, `/probe-${this.tag}/settle.txt`, [])).status === 200;
      inARow = ok ? inARow + 1 : 0;
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** alice uploads x and y and commits them as one file: the blocks every attack goes after. */
  async prepare(): Promise<void> {
    const x = randomBytes(64 * 1024);
    const y = randomBytes(32 * 1024);
    const path = `/probe-${this.tag}/secret.bin`;
    for (const b of [x, y]) {
      const put = await this.putBlock(this.alice, sha256Hex(b), b);
      if (put.status !== 201 && put.status !== 200) throw setupFailed("upload a block", put);
    }
    const { commit } = await this.initAndCommit(this.alice, path, [x, y]);
    if (commit.status !== 200) throw setupFailed("commit the fixture", commit);
    this.fixture = { path, x, y };
  }
}

function setupFailed(what: string, a: Answer): Error {
  return new SyncbenchError(
    "ENV_STACK_UNREACHABLE",
    `the probe could not ${what} as a legitimate ` +
      `user: ${describeAnswer(a)} ${a.body.subarray(0, 200).toString("utf8")}; nothing was probed`,
    { hint: "npx syncbench status" },
  );
}

export function sizeOf(blocks: readonly Uint8Array[]): number {
  return blocks.reduce((n, b) => n + b.byteLength, 0);
}

export function jsonOf(a: Answer): Record<string, unknown> {
  if (!a.contentType.includes("json")) return {};
  try {
    return JSON.parse(a.body.toString("utf8")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}
