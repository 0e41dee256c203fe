// commit (the design's "finalize"): possession proofs first, then the version commit, which the
// MetadataDb does in one transaction with the ref counts and the file_changed outbox row. A stale
// baseVersion is a conflict with the current version, never an overwrite.
import { SyncbenchError } from "../../core/errors.ts";
import type { CommitResult } from "../../stores/metadata-db/metadata-db.port.ts";
import type { ChunkServicePorts, ChunkServiceSettings } from "./ports.ts";
import { openChallenge, proofMatches } from "./possession.ts";
import { checkUploadId } from "./upload-id.ts";

export interface Proof {
  readonly hash: string;
  readonly token: string;
  readonly proof: string;
}

export interface CommitRequest {
  readonly uploadId: string;
  readonly path: string;
  readonly size: number;
  readonly blockHashes: readonly string[];
  readonly baseVersion: number;
  readonly delete?: boolean;
  readonly proofs?: readonly Proof[];
}

async function checkProofs(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  proofs: readonly Proof[],
): Promise<void> {
  const granted: string[] = [];
  for (const p of proofs) {
    const body = openChallenge(
      settings.possessionKey,
      p.token,
      userId,
      p.hash,
      ports.clock.nowMs(),
    );
    const block = await ports.blockStore.get(p.hash);
    if (!block || !proofMatches(block, body, p.proof)) {
      throw new SyncbenchError(
        "POSSESSION_PROOF_INVALID",
        `the proof for block ${p.hash.slice(0, 12)}… does not match its content; nothing was committed`,
      );
    }
    granted.push(p.hash);
  }
  if (granted.length > 0) await ports.metadataDb.grantBlocks(userId, granted);
}

/** The commit's size must be its blocks' stored sizes summed (checked once every block is known). */
async function checkSize(ports: ChunkServicePorts, request: CommitRequest): Promise<void> {
  const sizes = await ports.metadataDb.blockSizes([...new Set(request.blockHashes)]);
  let sum = 0;
  for (const hash of request.blockHashes) {
    const size = sizes.get(hash);
    if (size === undefined) return; // missing: commitVersion answers with the missing blocks
    sum += size;
  }
  if (sum !== request.size) {
    throw new SyncbenchError(
      "COMMIT_SIZE_MISMATCH",
      `${request.path}: size ${request.size} differs from its ` +
        `${request.blockHashes.length} block(s), which hold ${sum} bytes; nothing was committed`,
    );
  }
}

export async function commitFile(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  request: CommitRequest,
): Promise<CommitResult> {
  checkUploadId(settings.possessionKey, userId, request.path, request.uploadId);
  await checkProofs(ports, settings, userId, request.proofs ?? []);
  // Every block must be the user's own (uploaded, proved or committed before) when the version is
  // committed: a block that is merely missing now could be uploaded by someone else before the
  // commit's transaction runs, and the commit would then hand it to this user.
  const distinct = [...new Set(request.blockHashes)];
  const owned = new Set(await ports.metadataDb.ownedBlocks(userId, distinct));
  const notOwned = distinct.filter((h) => !owned.has(h));
  if (notOwned.length > 0) {
    const missing = await ports.metadataDb.findMissingBlocks(notOwned);
    if (missing.length > 0) return { ok: false, reason: "missing-blocks", missing };
    throw new SyncbenchError(
      "POSSESSION_REQUIRED",
      `${notOwned.length} block(s) belong to other users' files and ` +
        `this user has not proved possession (first: ${notOwned[0]?.slice(0, 12)}…); nothing was committed`,
      { hint: "answer the challenges from upload-init in the commit's proofs" },
    );
  }
  const deleting = request.delete === true;
  if (!deleting) await checkSize(ports, request);
  return ports.metadataDb.commitVersion({
    userId,
    path: request.path,
    blockHashes: deleting ? [] : request.blockHashes,
    sizeBytes: deleting ? 0 : request.size,
    baseVersion: request.baseVersion,
    changeType: deleting ? "delete" : request.baseVersion === 0 ? "create" : "update",
    eventId: request.uploadId,
    nowMs: ports.clock.nowMs(),
  });
}
