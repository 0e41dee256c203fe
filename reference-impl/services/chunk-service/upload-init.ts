// upload-init: the dedup check. One query finds which of the file's hashes the global blocks table
// lacks (and leases the present ones nobody references, so GC keeps them for this upload) (they must be uploaded, as a delta where the previous version has a block at that index);
// a second, on the user's shard, finds which present blocks the user may already reference; for
// the rest the user gets possession challenges instead of a free reference.
import type { ChunkServicePorts, ChunkServiceSettings } from "./ports.ts";
import { makeChallenge, type Challenge } from "./possession.ts";
import { issueUploadId } from "./upload-id.ts";

export interface UploadInitRequest {
  readonly path: string;
  readonly size: number;
  readonly blockHashes: readonly string[];
  readonly baseVersion?: number;
}

export interface UploadInitResponse {
  /** Issued to this user for this path: the commit must send it back (upload-id.ts). */
  readonly uploadId: string;
  /** The version a commit must name as baseVersion (0: the file does not exist). */
  readonly currentVersion: number;
  /** Hashes nobody has uploaded: send each whole or as a delta. */
  readonly missing: readonly string[];
  /** For missing hashes at an index the current version has: the old blocks i-1, i, i+1. */
  readonly deltaBases: Readonly<Record<string, readonly string[]>>;
  /** Hashes the server holds but this user has never uploaded: prove possession at commit. */
  readonly challenges: readonly Challenge[];
}

export async function uploadInit(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  request: UploadInitRequest,
): Promise<UploadInitResponse> {
  const current = await ports.metadataDb.getFile(userId, request.path);
  const distinct = [...new Set(request.blockHashes)];
  const nowMs = ports.clock.nowMs();
  // A present block at ref_count 0 gets a fresh grace (the lease): GC cannot take it while this
  // upload commits (design/decisions "GC and dedup: a lease at upload-init, a deleting mark").
  const lease = { nowMs, graceMs: settings.graceMs };
  const missing = await ports.metadataDb.findMissingBlocks(distinct, lease);
  const missingSet = new Set(missing);
  const present = distinct.filter((h) => !missingSet.has(h));
  const owned = new Set(await ports.metadataDb.ownedBlocks(userId, present));
  const challenges: Challenge[] = [];
  for (const hash of present.filter((h) => !owned.has(h)))
    challenges.push(makeChallenge(settings.possessionKey, userId, hash, nowMs));
  const previous = current && !current.deleted ? current.blockHashes : [];
  const deltaBases: Record<string, string[]> = {};
  request.blockHashes.forEach((hash, index) => {
    if (!missingSet.has(hash) || deltaBases[hash] || previous[index] === undefined) return;
    deltaBases[hash] = [previous[index - 1], previous[index], previous[index + 1]].filter(
      (h): h is string => h !== undefined,
    );
  });
  return {
    uploadId: issueUploadId(settings.possessionKey, userId, request.path),
    currentVersion: current?.version ?? 0,
    missing,
    deltaBases,
    challenges,
  };
}
