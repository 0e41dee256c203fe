// Bearer tokens for the load's users: HS256 JWTs signed with the stack's secret (the same
// runtime/jwt.ts the services verify with), cached per user so a run signs each user once.
// WebSocket holders get the secret and sign per user when a device connects: a token is only
// needed on the upgrade request, so no socket keeps one (the bench target is <= 8 KiB per idle
// device), and a holder's devices come ordered by user, so one cached token serves them all.
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import type { TokenFor } from "./operations.ts";

/** Users whose token is kept; beyond it a token is signed per request (still correct). */
export const tokenCacheMax = 100_000;
const tokenLifetimeS = 6 * 3600;

/** The subject of a user's token: what the services and the hub read as the user id. */
export const subjectOf = (userId: number): string => `user-${userId}`;

export function tokenSigner(secret: string, nowMs: number): TokenFor {
  const cache = new Map<number, string>();
  const exp = Math.floor(nowMs / 1000) + tokenLifetimeS;
  return (userId) => {
    const cached = cache.get(userId);
    if (cached !== undefined) return cached;
    const token = signJwt({ sub: subjectOf(userId), exp }, secret);
    if (cache.size < tokenCacheMax) cache.set(userId, token);
    return token;
  };
}

/** What a holder process needs to sign its devices' tokens (plain data, sent over IPC). */
export interface DeviceAuth {
  readonly secret: string;
  /** Expiry of every token, seconds since the epoch. */
  readonly expS: number;
}

export function deviceAuth(secret: string, nowMs: number): DeviceAuth {
  return { secret, expS: Math.floor(nowMs / 1000) + tokenLifetimeS };
}

/** Signs per user, keeping only the last user's token: devices arrive grouped by user. */
export function deviceTokenSigner(auth: DeviceAuth): TokenFor {
  let lastUserId = -1;
  let lastToken = "";
  return (userId) => {
    if (userId !== lastUserId) {
      lastToken = signJwt({ sub: subjectOf(userId), exp: auth.expS }, auth.secret);
      lastUserId = userId;
    }
    return lastToken;
  };
}
