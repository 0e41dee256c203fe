// Bearer tokens for the load's users: HS256 JWTs signed with the stack's secret (the same
// runtime/jwt.ts the services verify with), cached per user so a run signs each user once.
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import type { TokenFor } from "./operations.ts";

/** Users whose token is kept; beyond it a token is signed per request (still correct). */
export const tokenCacheMax = 100_000;
const tokenLifetimeS = 6 * 3600;

export function tokenSigner(secret: string, nowMs: number): TokenFor {
  const cache = new Map<number, string>();
  const exp = Math.floor(nowMs / 1000) + tokenLifetimeS;
  return (userId) => {
    const cached = cache.get(userId);
    if (cached !== undefined) return cached;
    const token = signJwt({ sub: `user-${userId}`, exp }, secret);
    if (cache.size < tokenCacheMax) cache.set(userId, token);
    return token;
  };
}
