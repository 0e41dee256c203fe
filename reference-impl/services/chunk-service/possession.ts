// Proof of possession for cross-user dedup (design/decisions/0003-possession-proof.md). A user who
// asks to reference a block they never uploaded gets a challenge: a fresh 16-byte nonce. The proof
// is SHA-256(nonce || the whole block), which needs every byte of the block, not just its hash or
// most of it (sampled ranges would let a user who knows all but a secret part of a document wait
// for a challenge that misses the secret). The challenge travels as a token signed with the
// services' HMAC key (stateless: any ChunkService process can check it), bound to the user, the
// block and an expiry.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { SyncbenchError } from "../../core/errors.ts";

export interface Challenge {
  readonly hash: string;
  /** Opaque, signed: send it back with the proof. */
  readonly token: string;
  /** 16 random bytes, hex: prepend them to the block and hash. */
  readonly nonce: string;
}

interface ChallengeBody {
  readonly u: string;
  readonly h: string;
  readonly n: string;
  readonly x: number;
}

export const possession = { ttlMs: 15 * 60_000, tokenBytesMax: 1024 } as const;

export function makeChallenge(key: string, userId: string, hash: string, nowMs: number): Challenge {
  const nonce = randomBytes(16).toString("hex");
  const body: ChallengeBody = { u: userId, h: hash, n: nonce, x: nowMs + possession.ttlMs };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  const mac = createHmac("sha256", key).update(payload).digest("base64url");
  return { hash, token: `${payload}.${mac}`, nonce };
}

/** The answer a client computes from the block's bytes. */
export function answerChallenge(block: Uint8Array, nonce: string): string {
  return createHash("sha256").update(Buffer.from(nonce, "hex")).update(block).digest("hex");
}

function invalid(message: string): never {
  throw new SyncbenchError("POSSESSION_PROOF_INVALID", `${message}; nothing was committed`);
}

/** Checks the token's signature, user, block and expiry; returns what the proof must answer. */
export function openChallenge(
  key: string,
  token: string,
  userId: string,
  hash: string,
  nowMs: number,
): ChallengeBody {
  if (token.length > possession.tokenBytesMax)
    invalid(`challenge token longer than ${possession.tokenBytesMax} bytes`);
  const [payload = "", mac = ""] = token.split(".");
  const expected = createHmac("sha256", key).update(payload).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    invalid("challenge token signature does not verify");
  const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ChallengeBody;
  if (body.u !== userId || body.h !== hash)
    invalid(`challenge was issued for another user or block, not ${hash.slice(0, 12)}…`);
  if (body.x <= nowMs) invalid("challenge expired; ask upload-init for a new one");
  return body;
}

export function proofMatches(block: Uint8Array, body: ChallengeBody, proof: string): boolean {
  const expected = Buffer.from(answerChallenge(block, body.n), "hex");
  const given = Buffer.from(proof, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
