// The request material of an exported k6 script, prepared by syncbench against the target stack
// (k6 cannot sign tokens with the stack's secret or encode deltas): a population of users, each
// with a bearer token (HS256, signed with the stack's secret, valid tokenLifetimeS) and a folder
// of files whose version 1 is the user's own 4 MiB block (uploaded whole and committed here),
// and the scenario's delta uploads, each an edit of one file's block encoded with the core delta
// engine against that block (base = the user's block, which the user may reference), so every
// delta reconstructs to the hash it names. Edits are independent of each other: the script reads
// the file's current version from upload-init and commits on it, so any edit may go in any
// order, on any k6 instance. Bounded in users, files, edits and seconds, with a clear error
// (K6_DATA_BOUND_EXCEEDED) when the scenario needs more edits than the bounds allow.
import { randomBytes } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { ZipfSampler } from "../../reference-impl/core/random.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { baseBlock, editBlock, sha256Hex } from "../delta-upload/delta-chains.ts";
import { deltaEditsNeeded, uploadBase } from "../delta-upload/delta-prepare.ts";
import { subjectOf } from "../operations/tokens.ts";
import { Random } from "../operations/random.ts";
import type { Scenario } from "../scenario.ts";

export interface K6DataBounds {
  /** Users of the population (the scenario's first N by Zipf rank). */
  readonly usersMax: number;
  /** Files committed per user (downloads and listings read them, edits change them). */
  readonly filesPerUser: number;
  /** Delta edits encoded (each ~25 ms of CPU and ~300 B of JSON). */
  readonly editsMax: number;
  /** Wall-clock bound of the whole preparation. */
  readonly timeS: number;
}

export const defaultK6DataBounds: K6DataBounds = {
  usersMax: 64,
  filesPerUser: 4,
  editsMax: 20_000,
  timeS: 600,
};

/** How long the data file's tokens stay valid: the k6 run happens later (the stack's cap: 30 d). */
export const tokenLifetimeS = 7 * 24 * 3600;

export interface K6User {
  readonly token: string;
  /** The user's folder, ending in "/": listings ask for it, new files go in it. */
  readonly prefix: string;
  readonly files: readonly string[];
}

export interface K6Edit {
  /** Index into users. */
  readonly u: number;
  readonly path: string;
  readonly base: string;
  readonly hash: string;
  readonly size: number;
  /** The delta (reference-impl/core/DELTA-FORMAT.md), base64. */
  readonly delta: string;
}

export interface K6Data {
  readonly kind: "syncbench.k6-data";
  readonly schemaVersion: 1;
  readonly scenario: string;
  readonly seed: number;
  readonly preparedAt: string;
  readonly gatewayUrl: string;
  readonly tokensExpireAtS: number;
  readonly users: readonly K6User[];
  readonly edits: readonly K6Edit[];
}

export interface K6DataRequest {
  readonly baseUrl: string;
  /** The stack's JWT secret. */
  readonly secret: string;
  readonly scenario: Scenario;
  readonly bounds: K6DataBounds;
  readonly nowMs: number;
  readonly log: (line: string) => void;
}

function boundExceeded(what: string): SyncbenchError {
  return new SyncbenchError("K6_DATA_BOUND_EXCEEDED", `k6 export: ${what}`, {
    hint: "lower --rate or --duration (or --scale), or raise --edits-max / --prepare-s",
  });
}

/** Edits the scenario's delta uploads need over the whole run, 0 without delta uploads. */
export function editsNeeded(scenario: Scenario): number {
  return scenario.mix.deltaUpload > 0 && scenario.deltaUpload ? deltaEditsNeeded(scenario) : 0;
}

export async function prepareK6Data(req: K6DataRequest): Promise<K6Data> {
  const { scenario, bounds } = req;
  const startedMs = performance.now();
  const deadlineMs = startedMs + bounds.timeS * 1000;
  const needed = editsNeeded(scenario);
  if (needed > bounds.editsMax) {
    throw boundExceeded(
      `${scenario.name} needs ~${needed} delta edits; the bound is ${bounds.editsMax}`,
    );
  }
  const expS = Math.floor(req.nowMs / 1000) + tokenLifetimeS;
  const tokenFor = (userId: number) => signJwt({ sub: subjectOf(userId), exp: expS }, req.secret);
  const runTag = `/k6-${scenario.seed}-${randomBytes(4).toString("hex")}`;
  const usersCount = Math.min(scenario.users.count, bounds.usersMax);
  const users: K6User[] = [];
  const blocks: Uint8Array[] = [];
  for (let i = 0; i < usersCount; i++) {
    const userId = i + 1;
    const prefix = `${runTag}/docs/user-${userId}/`;
    const files = Array.from({ length: bounds.filesPerUser }, (_, f) => `${prefix}file-${f}.bin`);
    const block = baseBlock(scenario.seed, userId);
    await uploadBase({ baseUrl: req.baseUrl, tokenFor }, userId, block, files);
    users.push({ token: tokenFor(userId), prefix, files });
    blocks.push(block);
    if (performance.now() > deadlineMs) throw boundExceeded(`${i + 1} users within --prepare-s`);
  }
  const edits = encodeEdits(scenario, users, blocks, needed, deadlineMs);
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  req.log(
    `k6 data: ${usersCount} users with ${bounds.filesPerUser} committed files each, ` +
      `${edits.length} delta edits encoded; ${seconds} s`,
  );
  return {
    kind: "syncbench.k6-data",
    schemaVersion: 1,
    scenario: scenario.name,
    seed: scenario.seed,
    preparedAt: new Date(req.nowMs).toISOString(),
    gatewayUrl: req.baseUrl,
    tokensExpireAtS: expS,
    users,
    edits,
  };
}

/** `count` edits: user by the scenario's Zipf skew, file uniform, each against the user's block. */
function encodeEdits(
  scenario: Scenario,
  users: readonly K6User[],
  blocks: readonly Uint8Array[],
  count: number,
  deadlineMs: number,
): K6Edit[] {
  const random = new Random(scenario.seed, "k6-edits");
  const zipf = new ZipfSampler(users.length, scenario.users.zipfSkew);
  const baseHashes = blocks.map((b) => sha256Hex(b));
  const edits: K6Edit[] = [];
  for (let k = 0; k < count; k++) {
    if (performance.now() > deadlineMs)
      throw boundExceeded(`${k} of ${count} edits within --prepare-s`);
    const u = zipf.draw(random) - 1;
    const user = users[u]!;
    const block = blocks[u]!;
    const path = user.files[random.int(user.files.length)]!;
    const next = editBlock(block, scenario.deltaUpload, random);
    const delta = Buffer.from(encodeDelta(block, next)).toString("base64");
    edits.push({ u, path, base: baseHashes[u]!, hash: sha256Hex(next), size: next.length, delta });
  }
  return edits;
}
