// Cases the fuzzers found, kept as named tests (STYLE.md section 11: a bug found by a seed stays
// found). Each names the boundary, what it did, and what it must do.
import { describe, expect, it } from "vitest";
import { signJwt, verifyJwt } from "../reference-impl/runtime/jwt.ts";

describe("fuzz regressions", () => {
  it("jwt: a header or claims of JSON null is AUTH_INVALID, not a TypeError (a 500 before any signature check)", () => {
    // Found by `npm run fuzz` (jwt parser): "bnVsbA" is base64url of "null".
    expect(() =>
      verifyJwt("bnVsbA.bnVsbA.Xk7XefHnOMuGktqB2yPovmXAE1YHKZ1rM35FyvQk2b4", "s", 0),
    ).toThrow(expect.objectContaining({ code: "AUTH_INVALID" }));
    const [head, , signature] = signJwt({ sub: "u", exp: 2e9 }, "s").split(".");
    expect(() => verifyJwt(`${head}.WzFd.${signature}`, "s", 0)).toThrow(
      expect.objectContaining({ code: "AUTH_INVALID" }),
    );
  });
});
