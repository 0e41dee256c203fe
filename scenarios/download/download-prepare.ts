// The prepare phase of downloads and listings on the real stack, before the measured window: the
// files of download-files.ts committed through the ChunkService's own upload path (upload-init,
// the whole block where it is missing, a possession proof where another user stored it, commit).
// Bounded in users, shared blocks, private blocks and seconds; the Zipf tails beyond the bounds are
// cut, and the log line says so, since the cut raises the share of downloads the edge can serve
// from its cache. Shared blocks are the same across runs of a seed; private blocks are new each run.
import { createHash } from "node:crypto";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import type { Scenario } from "../scenario.ts";
import type { TokenFor } from "../operations/operations.ts";
import {
  privateBlock,
  privatePath,
  sharedBlock,
  sharedPath,
  type DownloadLayout,
} from "./download-files.ts";

export interface DownloadPrepareBounds {
  /** Users holding files: the scenario's first N Zipf users. */
  readonly usersMax: number;
  /** Shared blocks: the N most popular of the scenario's blocksCount. */
  readonly sharedBlocksMax: number;
  /** Private one-block files per user (0 when the scenario shares every download). */
  readonly privatePerUser: number;
  /** Users prepared at the same time. */
  readonly concurrency: number;
  /** Wall-clock bound of the phase. */
  readonly timeS: number;
}

export const defaultDownloadPrepareBounds: DownloadPrepareBounds = {
  usersMax: 8,
  sharedBlocksMax: 16,
  privatePerUser: 2,
  concurrency: 4,
  timeS: 180,
};

export interface DownloadPrepareRequest {
  readonly baseUrl: string;
  readonly scenario: Scenario;
  readonly tokenFor: TokenFor;
  readonly runPrefix: string;
  readonly bounds: DownloadPrepareBounds;
  readonly log: (line: string) => void;
}

/** The layout the bounds allow for this scenario (pure: the planner and the tests use it). */
export function downloadLayout(
  scenario: Scenario,
  bounds: DownloadPrepareBounds,
  runPrefix: string,
): DownloadLayout {
  const sharedFraction = scenario.mix.download > 0 ? (scenario.download?.sharedFraction ?? 0) : 0;
  return {
    usersCount: Math.max(1, Math.min(scenario.users.count, bounds.usersMax)),
    sharedCount: Math.max(1, Math.min(scenario.download?.blocksCount ?? 1, bounds.sharedBlocksMax)),
    privatePerUser: sharedFraction >= 1 ? 0 : bounds.privatePerUser,
    root: `${runPrefix}/dl`,
    privateSalt: runPrefix,
  };
}

async function call(
  req: DownloadPrepareRequest,
  userId: number,
  what: { method: string; path: string; body: Uint8Array; type: string },
): Promise<string> {
  const response = await fetch(`${req.baseUrl}${what.path}`, {
    method: what.method,
    body: what.body,
    headers: { authorization: `Bearer ${req.tokenFor(userId)}`, "content-type": what.type },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new SyncbenchError(
      "PREPARE_REQUEST_FAILED",
      `prepare downloads: ${what.method} ${what.path} for user ${userId}: ${response.status} ` +
        text.slice(0, 200),
    );
  }
  return text;
}

interface InitAnswer {
  readonly uploadId: string;
  readonly missing: readonly string[];
  readonly challenges: readonly { hash: string; token: string; nonce: string }[];
}

/** Counts of what the phase sent: whole blocks stored, proofs answered, files committed. */
interface PrepareCounts {
  putCount: number;
  proofCount: number;
  commitCount: number;
}

/** Version 1 of a one-block file: upload-init, the block if missing, proofs, commit. */
async function commitOneBlock(
  req: DownloadPrepareRequest,
  at: { userId: number; path: string; block: Uint8Array; hash: string },
  counts: PrepareCounts,
): Promise<void> {
  const json = "application/json";
  const file = { path: at.path, size: at.block.length, blockHashes: [at.hash] };
  const init = JSON.parse(
    await call(req, at.userId, {
      method: "POST",
      path: "/v1/files/upload-init",
      body: Buffer.from(JSON.stringify(file)),
      type: json,
    }),
  ) as InitAnswer;
  if (init.missing.includes(at.hash)) {
    const octets = "application/octet-stream";
    await call(req, at.userId, {
      method: "PUT",
      path: `/v1/blocks/${at.hash}`,
      body: at.block,
      type: octets,
    });
    counts.putCount++;
  }
  const proofs = init.challenges.map((c) => ({
    hash: c.hash,
    token: c.token,
    proof: createHash("sha256").update(Buffer.from(c.nonce, "hex")).update(at.block).digest("hex"),
  }));
  counts.proofCount += proofs.length;
  const body = { uploadId: init.uploadId, ...file, baseVersion: 0, proofs };
  await call(req, at.userId, {
    method: "POST",
    path: "/v1/files/commit",
    body: Buffer.from(JSON.stringify(body)),
    type: json,
  });
  counts.commitCount++;
}

const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Commits every file of the layout; throws PREPARE_BOUND_EXCEEDED past the time bound. */
export async function prepareDownloads(req: DownloadPrepareRequest): Promise<DownloadLayout> {
  const startedMs = performance.now();
  const deadlineMs = startedMs + req.bounds.timeS * 1000;
  const layout = downloadLayout(req.scenario, req.bounds, req.runPrefix);
  const shared = Array.from({ length: layout.sharedCount }, (_, rank) => {
    const block = sharedBlock(req.scenario.seed, rank);
    return { block, hash: sha256Hex(block) };
  });
  const counts: PrepareCounts = { putCount: 0, proofCount: 0, commitCount: 0 };
  const prepareUser = async (userId: number) => {
    for (const [rank, s] of shared.entries()) {
      await commitOneBlock(req, { userId, path: sharedPath(layout, userId, rank), ...s }, counts);
    }
    for (let i = 0; i < layout.privatePerUser; i++) {
      const block = privateBlock(layout, userId, i);
      const at = { userId, path: privatePath(layout, userId, i), block, hash: sha256Hex(block) };
      await commitOneBlock(req, at, counts);
    }
    if (performance.now() > deadlineMs) {
      throw new SyncbenchError(
        "PREPARE_BOUND_EXCEEDED",
        `prepare downloads: ${layout.usersCount} users x ${layout.sharedCount + layout.privatePerUser} ` +
          `files did not commit within ${req.bounds.timeS} s`,
        { hint: "raise --prepare-s, or retry on a less busy machine" },
      );
    }
  };
  await prepareUser(1); // stores the shared blocks once; the others prove possession
  let next = 2;
  const worker = async () => {
    while (next <= layout.usersCount) await prepareUser(next++);
  };
  await Promise.all(Array.from({ length: req.bounds.concurrency }, worker));
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  const d = req.scenario.download;
  req.log(
    `prepare downloads: ${layout.usersCount} of ${req.scenario.users.count} Zipf users each ` +
      `committed ${layout.sharedCount} shared one-block files (the most popular ` +
      `${layout.sharedCount} of ${d?.blocksCount ?? 1} blocks: the cut tail makes more downloads ` +
      `cacheable than in the full population) and ${layout.privatePerUser} private ones; ` +
      `${counts.commitCount} commits, ${counts.putCount} blocks stored whole, ` +
      `${counts.proofCount} possession proofs; ${seconds} s`,
  );
  return layout;
}
