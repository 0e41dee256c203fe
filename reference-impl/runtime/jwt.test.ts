// verifyJwt refuses every token the attack of issue 12 tried: an expiry that never comes (1e400
// parses to Infinity), a missing expiry (once reported as "expired at undefined"), a NUL or a lone
// surrogate in `sub` (a 500 from Postgres), alongside the alg and signature checks.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apiLimits } from "../core/limits.ts";
import { signJwt, verifyJwt } from "./jwt.ts";

const secret = "jwt-test-secret-0123456789";
const nowMs = Date.UTC(2026, 11, 6);
const nowS = nowMs / 1000;

/** A token over claims given as raw JSON text, so that 1e400 and odd strings reach the parser as sent. */
function rawToken(claimsJson: string, alg = "HS256"): string {
  const part = (text: string) => Buffer.from(text).toString("base64url");
  const head = `${part(JSON.stringify({ alg, typ: "JWT" }))}.${part(claimsJson)}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

function refusal(token: string): { code: string; message: string } | undefined {
  try {
    verifyJwt(token, secret, nowMs);
    return undefined;
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
}

describe("verifyJwt", () => {
  it("accepts a token within its lifetime, up to tokenLifetimeSMax ahead", () => {
    expect(verifyJwt(signJwt({ sub: "alice", exp: nowS + 60 }, secret), secret, nowMs)).toEqual({
      sub: "alice",
      exp: nowS + 60,
    });
    const longest = nowS + apiLimits.tokenLifetimeSMax;
    expect(verifyJwt(signJwt({ sub: "alice", exp: longest }, secret), secret, nowMs).exp).toBe(
      longest,
    );
  });

  it("refuses an exp that never comes (1e400 is Infinity) or lies beyond the longest lifetime", () => {
    expect(refusal(rawToken('{"sub":"alice","exp":1e400}'))).toMatchObject({
      code: "AUTH_INVALID",
      message: /exp must be/,
    });
    expect(
      refusal(rawToken(`{"sub":"alice","exp":${nowS + apiLimits.tokenLifetimeSMax + 1}}`)),
    ).toMatchObject({ code: "AUTH_INVALID" });
    expect(refusal(rawToken('{"sub":"alice","exp":"9999999999"}'))).toMatchObject({
      code: "AUTH_INVALID",
    });
  });

  it("says a token without exp has no exp, not that it expired at undefined", () => {
    const answer = refusal(rawToken('{"sub":"alice"}'));
    expect(answer).toMatchObject({ code: "AUTH_INVALID", message: /no exp claim/ });
    expect(answer?.message).not.toContain("undefined");
  });

  it("reports an expired token with its expiry as a date", () => {
    expect(refusal(signJwt({ sub: "alice", exp: nowS - 1 }, secret))).toMatchObject({
      code: "AUTH_EXPIRED",
      message: /expired at 2026-12-05T23:59:59.000Z/,
    });
  });

  it("refuses a sub with a NUL, another control character or a lone surrogate", () => {
    for (const sub of ["al\u0000ice", "line\nbreak", "\ud800x", "x\udc00", ""]) {
      expect(refusal(signJwt({ sub, exp: nowS + 60 }, secret))).toMatchObject({
        code: "AUTH_INVALID",
      });
    }
    expect(
      refusal(signJwt({ sub: "a".repeat(apiLimits.userIdLengthMax + 1), exp: nowS + 60 }, secret)),
    ).toMatchObject({ code: "AUTH_INVALID" });
    expect(
      verifyJwt(signJwt({ sub: "😀 ünïcode", exp: nowS + 60 }, secret), secret, nowMs).sub,
    ).toBe("😀 ünïcode");
  });

  it("refuses alg none and a wrong signature", () => {
    expect(refusal(rawToken(`{"sub":"alice","exp":${nowS + 60}}`, "none"))).toMatchObject({
      code: "AUTH_INVALID",
    });
    expect(
      refusal(`${signJwt({ sub: "alice", exp: nowS + 60 }, secret).slice(0, -2)}AA`),
    ).toMatchObject({ code: "AUTH_INVALID" });
  });
});
