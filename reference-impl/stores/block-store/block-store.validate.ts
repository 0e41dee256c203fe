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
