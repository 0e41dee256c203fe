// Proof of possession for cross-user dedup (design/decisions/0003-possession-proof.md). A user who
// asks to reference a block they never uploaded gets a challenge: a fresh nonce and `rangeCount`
// byte ranges at server-chosen random offsets. The proof is SHA-256(nonce || the bytes of the
// ranges), which needs the block's content, not just its hash. The challenge travels as a token
// signed with the server's HMAC key (stateless: any ChunkService process can check it), bound to
// the user, the block and an expiry.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { SyncbenchError } from "../../core/errors.ts";

export interface Challenge {
  readonly hash: string;
  /** Opaque, signed: send it back with the proof. */
  readonly token: string;
  readonly nonce: string;
  /** [offset, length] pairs within the block. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

interface ChallengeBody {
  readonly u: string;
  readonly h: string;
  readonly n: string;
  readonly r: ReadonlyArray<readonly [number, number]>;
  readonly s: number;
  readonly x: number;
}

export const possession = { rangeCount: 4, rangeBytes: 64, ttlMs: 15 * 60_000, tokenBytesMax: 2048 } as const;

export function makeChallenge(key: string, userId: string, hash: string, sizeBytes: number, nowMs: number): Challenge {
  const nonce = randomBytes(16).toString("hex");
  const length = Math.min(possession.rangeBytes, sizeBytes);
  const ranges = Array.from({ length: sizeBytes === 0 ? 0 : possession.rangeCount },
    () => [randomInt(0, sizeBytes - length + 1), length] as const);
  const body: ChallengeBody = { u: userId, h: hash, n: nonce, r: ranges, s: sizeBytes, x: nowMs + possession.ttlMs };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  const mac = createHmac("sha256", key).update(payload).digest("base64url");
  return { hash, token: `${payload}.${mac}`, nonce, ranges };
}

/** The answer a client computes from the block's bytes. */
export function answerChallenge(block: Uint8Array, nonce: string, ranges: Challenge["ranges"]): string {
  const h = createHash("sha256").update(Buffer.from(nonce, "hex"));
  for (const [offset, length] of ranges) h.update(block.subarray(offset, offset + length));
  return h.digest("hex");
}

function invalid(message: string): never {
  throw new SyncbenchError("POSSESSION_PROOF_INVALID", `${message}; the block was not granted`);
}

/** Checks the token's signature, user, block and expiry; returns what the proof must answer. */
export function openChallenge(key: string, token: string, userId: string, hash: string, nowMs: number): ChallengeBody {
  if (token.length > possession.tokenBytesMax) invalid(`challenge token longer than ${possession.tokenBytesMax} bytes`);
  const [payload = "", mac = ""] = token.split(".");
  const expected = createHmac("sha256", key).update(payload).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) invalid("challenge token signature does not verify");
  const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ChallengeBody;
  if (body.u !== userId || body.h !== hash) invalid(`challenge was issued for another user or block, not ${hash.slice(0, 12)}…`);
  if (body.x <= nowMs) invalid("challenge expired; ask upload-init for a new one");
  return body;
}

export function proofMatches(block: Uint8Array, body: ChallengeBody, proof: string): boolean {
  const expected = Buffer.from(answerChallenge(block, body.n, body.r), "hex");
  const given = Buffer.from(proof, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
