// Signed block URLs: HMAC-SHA256 over (block hash, user, expiry) with the DownloadService's key.
// A URL names the user it was issued to, so a URL copied to someone else still works only until
// it expires (as any bearer URL), and one user's signature never verifies for another user's id.
// Issued only for the blocks of a version the user can read; checked by the DownloadService's
// origin path and by the edge (through its auth subrequest) before any cached byte goes out.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SyncbenchError } from "../../core/errors.ts";

export interface BlockGrant {
  readonly hash: string;
  readonly userId: string;
  /** Expiry, seconds since the epoch. */
  readonly expiresAtS: number;
}

const hexSha256 = /^[0-9a-f]{64}$/;
/** A URL valid for longer than this is refused even when its signature holds. */
export const blockUrlTtlSMax = 3600;
const userIdBytesMax = 256;

function mac(key: string, grant: BlockGrant): Buffer {
  return createHmac("sha256", key)
    .update(`${grant.hash}\n${grant.userId}\n${grant.expiresAtS}`)
    .digest();
}

export function signBlockGrant(key: string, grant: BlockGrant): string {
  return mac(key, grant).toString("base64url");
}

/** The query string of a block URL: user, expiry, signature. */
export function blockUrlQuery(key: string, grant: BlockGrant): string {
  const query = new URLSearchParams({
    u: grant.userId,
    e: String(grant.expiresAtS),
    s: signBlockGrant(key, grant),
  });
  return query.toString();
}

function refuse(code: string, message: string): never {
  throw new SyncbenchError(code, message, {
    hint: "ask GET /v1/files/content for fresh block URLs",
  });
}

/**
 * Checks a block URL's hash, user, expiry and signature; returns the grant or throws
 * BLOCK_URL_INVALID (malformed or tampered) or BLOCK_URL_EXPIRED.
 */
export function verifyBlockUrl(
  key: string,
  hash: string,
  query: URLSearchParams,
  nowMs: number,
): BlockGrant {
  if (!hexSha256.test(hash))
    refuse(
      "BLOCK_URL_INVALID",
      `block hash must be 64 lowercase hex characters, got ${JSON.stringify(hash.slice(0, 80))}`,
    );
  const userId = query.get("u") ?? "";
  const expiry = query.get("e") ?? "";
  const signature = query.get("s") ?? "";
  if (userId === "" || Buffer.byteLength(userId) > userIdBytesMax) {
    refuse("BLOCK_URL_INVALID", `u must name a user of 1..${userIdBytesMax} bytes`);
  }
  if (!/^[0-9]{1,12}$/.test(expiry))
    refuse(
      "BLOCK_URL_INVALID",
      `e must be an expiry in seconds, got ${JSON.stringify(expiry.slice(0, 20))}`,
    );
  const grant = { hash, userId, expiresAtS: Number(expiry) };
  const given = Buffer.from(signature, "base64url");
  const expected = mac(key, grant);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    refuse(
      "BLOCK_URL_INVALID",
      `signature of the URL for block ${hash.slice(0, 12)}… does not verify for user ${userId}`,
    );
  }
  const nowS = Math.floor(nowMs / 1000);
  if (grant.expiresAtS <= nowS)
    refuse("BLOCK_URL_EXPIRED", `block URL expired at ${grant.expiresAtS}, now ${nowS}`);
  if (grant.expiresAtS > nowS + blockUrlTtlSMax) {
    refuse(
      "BLOCK_URL_INVALID",
      `block URL expiry ${grant.expiresAtS} is more than ${blockUrlTtlSMax} s ahead`,
    );
  }
  return grant;
}
