// HS256 JSON Web Tokens (RFC 7519) with node:crypto: the gateway-facing services take a bearer
// token whose `sub` names the user. Verification checks the header's alg (only HS256: "none" and
// algorithm confusion are refused), the signature in constant time, `exp` (a number of seconds no
// further ahead than tokenLifetimeSMax: an infinite or absurd expiry is refused), and `sub` (a user
// id of printable characters: it becomes a database value, a Kafka key and a log field).
import { createHmac, timingSafeEqual } from "node:crypto";
import { SyncbenchError } from "../core/errors.ts";
import { apiLimits } from "../core/limits.ts";

export interface TokenClaims {
  readonly sub: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

const tokenBytesMax = 4096;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function sign(input: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(input).digest();
}

export function signJwt(claims: TokenClaims, secret: string): string {
  const head = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${head}.${sign(head, secret).toString("base64url")}`;
}

function reject(code: string, message: string): never {
  throw new SyncbenchError(code, message, {
    hint: "send Authorization: Bearer <HS256 JWT with sub and exp>",
  });
}

/** Returns the claims of a valid token; throws AUTH_INVALID (or AUTH_EXPIRED) otherwise. */
export function verifyJwt(token: string, secret: string, nowMs: number): TokenClaims {
  if (token.length > tokenBytesMax)
    reject("AUTH_INVALID", `token is ${token.length} bytes, at most ${tokenBytesMax}`);
  const parts = token.split(".");
  if (parts.length !== 3)
    reject("AUTH_INVALID", `token must have 3 dot-separated parts, got ${parts.length}`);
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
      sub?: unknown;
      exp?: unknown;
    };
  } catch (error) {
    throw new SyncbenchError("AUTH_INVALID", "token header or claims are not base64url JSON", {
      cause: error,
    });
  }
  // JSON.parse("null") is null: a header or claims that are not objects are refused, not a TypeError.
  if (
    typeof header !== "object" ||
    header === null ||
    typeof claims !== "object" ||
    claims === null
  ) {
    reject("AUTH_INVALID", "token header and claims must be JSON objects");
  }
  if (header.alg !== "HS256")
    reject("AUTH_INVALID", `token alg must be HS256, got ${JSON.stringify(header.alg)}`);
  const expected = sign(`${head}.${body}`, secret);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    reject("AUTH_INVALID", "token signature does not verify");
  const sub = checkSub(claims.sub);
  const exp = checkExp(claims.exp, nowMs);
  return { sub, exp };
}

/** Control characters and lone UTF-16 surrogates: neither fits in a database text or a log line. */
function unprintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function checkSub(sub: unknown): string {
  if (typeof sub !== "string" || sub.length === 0 || sub.length > apiLimits.userIdLengthMax) {
    reject(
      "AUTH_INVALID",
      `token sub must be a user id of 1..${apiLimits.userIdLengthMax} characters, ` +
        `got ${typeof sub === "string" ? `${sub.length} characters` : typeof sub}`,
    );
  }
  if (unprintable(sub))
    reject("AUTH_INVALID", "token sub holds a control character or a lone surrogate");
  return sub;
}

function checkExp(exp: unknown, nowMs: number): number {
  if (exp === undefined)
    reject("AUTH_INVALID", "token has no exp claim (expiry, seconds since the epoch)");
  const latestS = nowMs / 1000 + apiLimits.tokenLifetimeSMax;
  if (typeof exp !== "number" || !Number.isFinite(exp) || exp > latestS) {
    reject(
      "AUTH_INVALID",
      `token exp must be a time in seconds at most ${apiLimits.tokenLifetimeSMax} s ahead, ` +
        `got ${JSON.stringify(exp) ?? String(exp)}`,
    );
  }
  if (exp * 1000 <= nowMs) {
    reject(
      "AUTH_EXPIRED",
      `token expired at ${new Date(exp * 1000).toISOString()} (exp ${exp}), ` +
        `now is ${new Date(nowMs).toISOString()}`,
    );
  }
  return exp;
}
