// Turns a scenario into concrete requests: which operation comes next (the mix), for which user
// (Zipf), which block (Zipf popularity over shared content, uniform over private), how large
// the delta or the new file is. Seeded: the same scenario and seed give the same requests.
// New files are real content (a window into a seeded random buffer) named by its SHA-256, so
// the ChunkService accepts them; paths carry a per-run prefix so reruns do not conflict.
import { createHash } from "node:crypto";
import {
  activeOperations,
  scenarioLimits,
  type HttpOperationName,
  type Scenario,
} from "../scenario.ts";
import type { DeltaChains, StepFor } from "../delta-upload/delta-chains.ts";
import { blockSteps, listSteps, type DownloadDraws } from "../download/download-files.ts";
import { Random, ZipfRanks } from "./random.ts";
import { commitBodyFrom, routes, type OperationPlan, type RouteName, type Step } from "./routes.ts";

const payload = new Uint8Array(scenarioLimits.blockSizeBytes);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;

/** Two blocks of seeded random bytes: a block-sized window at any offset is distinct content. */
const contentBytes = (() => {
  const bytes = new Uint8Array(2 * scenarioLimits.blockSizeBytes);
  const view = new DataView(bytes.buffer);
  const random = new Random(20_240_611, "content");
  for (let i = 0; i < bytes.length; i += 4) view.setUint32(i, random.nextUint32());
  return bytes;
})();

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function hashHex(random: Random): string {
  let hex = "";
  for (let i = 0; i < 8; i++) hex += random.nextUint32().toString(16).padStart(8, "0");
  return hex;
}

/** Bearer tokens by user: the stack's services authenticate every request (runtime/jwt.ts). */
export type TokenFor = (userId: number) => string;

function step(
  route: RouteName,
  auth: { userId: number; tokenFor: TokenFor | undefined },
  pathArgs: { hash?: string; query?: string },
  body?: Uint8Array,
): Step {
  const r = routes[route];
  const path = r.pathTemplate.replace(":hash", pathArgs.hash ?? "") + (pathArgs.query ?? "");
  const headers: Record<string, string> = { "x-user-id": String(auth.userId) };
  if (auth.tokenFor) headers.authorization = `Bearer ${auth.tokenFor(auth.userId)}`;
  if (body) {
    const binary = route === "blockPut" || route === "blockDelta";
    headers["content-type"] = binary ? "application/octet-stream" : "application/json";
  }
  return body
    ? { route, method: r.method, path, headers, body }
    : { route, method: r.method, path, headers };
}

/** The step builder for one run's tokens, as delta-chains.ts takes it. */
export function stepsWith(tokenFor: TokenFor | undefined): StepFor {
  return (route, userId, pathArgs, body) => step(route, { userId, tokenFor }, pathArgs, body);
}

function json(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value));
}

/**
 * upload-init, then the commit whose body carries the uploadId that upload-init issued (the
 * service binds it to the user and path), read from the kept answer when the commit is sent.
 */
function initAndCommit(
  auth: Parameters<typeof step>[1],
  file: { path: string },
  baseVersion: number,
) {
  return {
    init: { ...step("uploadInit", auth, {}, json(file)), keepResponse: true },
    commit: {
      ...step("uploadFinalize", auth, {}, new Uint8Array(0)),
      bodyFrom: commitBodyFrom({ ...file, baseVersion }),
    },
  };
}

/** A name for a new file from the seeded stream and the run's path prefix: reruns do not collide. */
function nameFrom(random: Random, salt: string): string {
  return createHash("sha256").update(hashHex(random)).update(salt).digest("hex").slice(0, 8);
}

export class OperationPlanner {
  private readonly operations: HttpOperationName[];
  private readonly cumulative: number[];
  private readonly random: Random;
  private readonly users: ZipfRanks;

  constructor(
    private readonly scenario: Scenario,
    private readonly tokenFor?: TokenFor,
    /** Prefix of every file path, e.g. "/syncbench/<run>": reruns never hit a version conflict. */
    private readonly pathPrefix = "",
    /** Prepared delta chains (real stack); absent: deltas against made-up bases (builtin). */
    private readonly deltas?: DeltaChains,
    /** Prepared files to download and list (real stack); absent: made-up paths (builtin). */
    private readonly downloads?: DownloadDraws,
  ) {
    this.operations = activeOperations(scenario);
    let sum = 0;
    this.cumulative = this.operations.map((op) => (sum += scenario.mix[op]));
    this.random = new Random(scenario.seed, "operations");
    this.users = new ZipfRanks(scenario.users.count, scenario.users.zipfSkew);
  }

  next(): OperationPlan {
    const u = this.random.next() * (this.cumulative.at(-1) ?? 1);
    const index = this.cumulative.findIndex((c) => u < c);
    const operation = this.operations[index === -1 ? this.operations.length - 1 : index]!;
    if (operation === "deltaUpload" && this.deltas) return this.deltas.nextPlan();
    if (operation === "download") return { operation, steps: this.downloadSteps() };
    if (operation === "listFolder") return { operation, steps: this.listSteps() };
    return { operation, steps: this.stepsFor(operation, this.users.draw(this.random)) };
  }

  /** The file's block list, then each block on its signed URL (the CDN edge's origin). */
  private downloadSteps(): Step[] {
    const r = this.random;
    const { userId, path } = this.downloads
      ? this.downloads.download(r)
      : { userId: this.users.draw(r), path: `${this.pathPrefix}/docs/file-${r.int(1000)}.bin` };
    const query = `?path=${encodeURIComponent(path)}`;
    const list = step("fileContent", { userId, tokenFor: this.tokenFor }, { query });
    return [{ ...list, keepResponse: true, then: blockSteps }];
  }

  /** The user's folder, page by page while the answer names a next cursor. */
  private listSteps(): Step[] {
    const r = this.random;
    const { userId, prefix } = this.downloads
      ? this.downloads.listing(r)
      : { userId: this.users.draw(r), prefix: `${this.pathPrefix}/docs/` };
    const first = step("filesList", { userId, tokenFor: this.tokenFor }, {});
    const limit = this.scenario.listFolder?.pageSize ?? 100;
    const query = `?prefix=${encodeURIComponent(prefix)}&limit=${limit}`;
    return [listSteps({ ...first, path: first.path + query }, prefix, limit)];
  }

  private stepsFor(operation: HttpOperationName, userId: number): Step[] {
    const r = this.random;
    const auth = { userId, tokenFor: this.tokenFor };
    const path = `${this.pathPrefix}/docs/file-${r.int(1000)}.txt`;
    if (operation === "deltaUpload") return this.deltaSteps(auth, path);
    return this.newFileSteps(auth, path);
  }

  /** upload-init, the delta against a base block, commit (the design's upload path). */
  private deltaSteps(auth: Parameters<typeof step>[1], path: string): Step[] {
    const d = this.scenario.deltaUpload!;
    const r = this.random;
    const editBytes = d.editBytesMin + r.int(d.editBytesMax - d.editBytesMin + 1);
    const deltaBytes = Math.min(payload.length, Math.ceil(editBytes * d.deltaBytesPerEditByte));
    const hash = hashHex(r);
    const query = `?base=${hashHex(r)}`;
    const file = { path, size: payload.length, blockHashes: [hash] };
    const { init, commit } = initAndCommit(auth, file, 0);
    return [
      init,
      step("blockDelta", auth, { hash, query }, payload.subarray(0, deltaBytes)),
      commit,
    ];
  }

  private newFileSteps(auth: Parameters<typeof step>[1], path: string): Step[] {
    const f = this.scenario.newFileUpload!;
    const r = this.random;
    const drawn =
      f.size.kind === "fixed" ? f.size.bytes : r.lognormal(f.size.medianBytes, f.size.sigma);
    const sizeBytes = Math.max(1, Math.min(f.sizeBytesMax, Math.round(drawn)));
    const blockCount = Math.ceil(sizeBytes / payload.length);
    const blocks = Array.from({ length: blockCount }, (_, i) => {
      const bytes = i === blockCount - 1 ? sizeBytes - i * payload.length : payload.length;
      const offset = r.int(contentBytes.length - bytes + 1);
      return contentBytes.subarray(offset, offset + bytes);
    });
    const blockHashes = blocks.map(sha256Hex);
    const file = {
      path: path.replace("/file-", `/new-${nameFrom(r, this.pathPrefix)}-`),
      size: sizeBytes,
      blockHashes,
    };
    const puts = blocks.map((bytes, i) => step("blockPut", auth, { hash: blockHashes[i]! }, bytes));
    const { init, commit } = initAndCommit(auth, file, 0);
    return [init, ...puts, commit];
  }
}
