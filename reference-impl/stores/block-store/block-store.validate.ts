// Boundary checks shared by the BlockStore adapters: the key's form, the block's size, and that
// the content hashes to its key. Each failure names the value and the limit; nothing is stored.
import { createHash } from "node:crypto";
import { SyncbenchError } from "../../core/errors.ts";
import { blockSizeBytes } from "../../core/limits.ts";

const hexSha256 = /^[0-9a-f]{64}$/;

export function checkKey(hash: string): void {
  if (!hexSha256.test(hash)) {
    throw new SyncbenchError(
      "BLOCK_KEY_INVALID",
      `block key must be 64 lowercase hex characters (SHA-256), got ${JSON.stringify(hash.slice(0, 80))}`,
    );
  }
}

/** The key's form and the block's size, without hashing (the caller verified the content). */
export function checkSize(hash: string, bytes: Uint8Array): void {
  checkKey(hash);
  if (bytes.byteLength > blockSizeBytes) {
    throw new SyncbenchError(
      "BLOCK_TOO_LARGE",
      `block ${hash.slice(0, 12)}… is ${bytes.byteLength} bytes, at most ${blockSizeBytes} allowed; nothing was stored`,
    );
  }
}

export function checkBlock(hash: string, bytes: Uint8Array): void {
  checkSize(hash, bytes);
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== hash) {
    throw new SyncbenchError(
      "BLOCK_HASH_MISMATCH",
      `block content hashes to ${actual.slice(0, 12)}…, not to its key ${hash.slice(0, 12)}…; nothing was stored`,
    );
  }
}

/** list's arguments: after "" (from the start) or a key; a page of 1..max keys. */
export function checkListRequest(afterHash: string, limit: number, max: number): void {
  if (afterHash !== "") checkKey(afterHash);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new SyncbenchError(
      "BLOCK_LIST_INVALID",
      `list limit must be an integer 1..${max}, got ${limit}; nothing was listed`,
    );
  }
}

/** deleteMany's keys: each a block key, at most max of them. */
export function checkKeys(hashes: readonly string[], max: number): void {
  if (hashes.length > max) {
    throw new SyncbenchError(
      "BLOCK_KEY_INVALID",
      `${hashes.length} keys given, at most ${max} allowed; nothing was deleted`,
    );
  }
  hashes.forEach(checkKey);
}
