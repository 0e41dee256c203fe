// Boundary checks shared by both MetadataDb adapters, so that bad input fails the same way on the
// memory and the real adapter (the contract suite checks it): the error names the field, the value
// seen and the limit, and nothing is written.
import { SyncbenchError } from "../../core/errors.ts";
import type { CommitInput } from "./metadata-db.port.ts";

const hexSha256 = /^[0-9a-f]{64}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const pathBytesMax = 4096;
export const blocksPerFileMax = 262_144; // 1 TiB of 4 MiB blocks

function invalid(message: string): never {
  throw new SyncbenchError("METADATA_INPUT_INVALID", `${message}; nothing was written`);
}

export function checkHashes(hashes: readonly string[], max: number): void {
  if (hashes.length > max) invalid(`${hashes.length} hashes given, at most ${max} allowed`);
  const bad = hashes.findIndex((h) => typeof h !== "string" || !hexSha256.test(h));
  if (bad >= 0)
    invalid(`hash ${bad} must be 64 lowercase hex characters, got ${JSON.stringify(hashes[bad])}`);
}

export function checkListLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    invalid(`limit must be an integer 1..${max}, got ${limit}`);
}

export function checkCommitInput(input: CommitInput): void {
  if (input.userId.length === 0 || input.userId.length > 256)
    invalid(`userId must be 1..256 characters`);
  const pathBytes = Buffer.byteLength(input.path, "utf8");
  if (pathBytes === 0 || pathBytes > pathBytesMax)
    invalid(`path must be 1..${pathBytesMax} bytes, got ${pathBytes}`);
  if (!Number.isSafeInteger(input.baseVersion) || input.baseVersion < 0) {
    invalid(`baseVersion must be an integer >= 0, got ${input.baseVersion}`);
  }
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes < 0)
    invalid(`sizeBytes must be >= 0, got ${input.sizeBytes}`);
  if (!uuid.test(input.eventId))
    invalid(`eventId must be a lowercase UUID, got ${JSON.stringify(input.eventId)}`);
  if (input.changeType === "delete" && input.blockHashes.length > 0)
    invalid("a delete carries no block hashes");
  checkHashes(input.blockHashes, blocksPerFileMax);
}

export function checkShardIndex(shardIndex: number, count: number): void {
  if (!Number.isInteger(shardIndex) || shardIndex < 0 || shardIndex >= count)
    invalid(`shardIndex must be an integer 0..${count - 1}, got ${shardIndex}`);
}

export function checkGcLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    invalid(`limit must be an integer 1..${max}, got ${limit}`);
}

export function checkSuperseded(
  versions: readonly { userId: string; path: string; version: number; supersededAtMs: number }[],
  max: number,
): void {
  if (versions.length > max) invalid(`${versions.length} versions given, at most ${max} allowed`);
  versions.forEach((v, i) => {
    if (typeof v.userId !== "string" || v.userId.length === 0 || v.userId.length > 256)
      invalid(`versions[${i}].userId must be 1..256 characters`);
    const pathBytes = Buffer.byteLength(String(v.path), "utf8");
    if (typeof v.path !== "string" || pathBytes === 0 || pathBytes > pathBytesMax)
      invalid(`versions[${i}].path must be 1..${pathBytesMax} bytes, got ${pathBytes}`);
    if (!Number.isSafeInteger(v.version) || v.version < 1)
      invalid(`versions[${i}].version must be an integer >= 1, got ${v.version}`);
    if (!Number.isFinite(v.supersededAtMs))
      invalid(`versions[${i}].supersededAtMs must be a finite number, got ${v.supersededAtMs}`);
  });
}

/** A block the sweep marked deleting cannot be recorded again until its row is gone (503). */
export function blockBeingDeleted(hash: string): SyncbenchError {
  return new SyncbenchError(
    "GC_BLOCK_BEING_DELETED",
    `block ${hash.slice(0, 12)}… is being deleted by GC; it was not recorded, retry the upload`,
    { hint: "retry after Retry-After: once its deletion ends the block is stored afresh" },
  );
}
