// Token attacks on every route of the gateway: no token, garbage, `alg: none`, another algorithm,
// a forged or spliced signature, expired, missing or absurd `exp`, a NUL or empty `sub`, an
// oversized token; on the four upload routes, the download route and the NotificationService's
// WebSocket upgrade (with a positive control: a valid token upgrades).
// Refused means a 401 with a JSON error code (an upgrade: anything but 101).
import { createHmac, randomBytes } from "node:crypto";
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import type { Attack, Outcome, ProbeContext } from "./probe-context.ts";
import { ask, askUpgrade, describeAnswer, isCleanRefusal, type Answer } from "./probe-http.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const hs = (alg: string, input: string, secret: string) =>
  createHmac(alg, secret).update(input).digest("base64url");

/** A JWT from raw header and claims JSON text (so that 1e400 and NUL survive), signed with `secret`. */
function rawJwt(
  header: string,
  claims: string,
  secret: string | undefined,
  alg = "sha256",
): string {
  const head = `${b64(header)}.${b64(claims)}`;
  return `${head}.${secret === undefined ? "" : hs(alg, head, secret)}`;
}

interface TokenVariant {
  readonly name: string;
  /** The Authorization header value, or undefined for none. */
  make(ctx: ProbeContext): string | undefined;
  /** Extra condition on a refusal's body (e.g. no "undefined" in the message). */
  readonly messageMustNot?: RegExp;
  /** Statuses that refuse it (default 401). */
  readonly statuses?: readonly number[];
}

const hs256 = '{"alg":"HS256","typ":"JWT"}';
const nowS = () => Math.floor(Date.now() / 1000);

const variants: readonly TokenVariant[] = [
  { name: "no Authorization header", make: () => undefined },
  { name: "garbage bearer token", make: () => `Bearer ${randomBytes(24).toString("base64url")}` },
  {
    name: "alg none, no signature",
    make: (c) =>
      `Bearer ${rawJwt('{"alg":"none","typ":"JWT"}', JSON.stringify({ sub: c.mallory, exp: nowS() + 600 }), undefined)}`,
  },
  {
    name: "header and claims are JSON null",
    make: (c) => `Bearer ${rawJwt("null", "null", c.target.jwtSecret)}`,
  },
  {
    name: "alg HS512 with the right secret",
    make: (c) =>
      `Bearer ${rawJwt(
        '{"alg":"HS512","typ":"JWT"}',
        JSON.stringify({ sub: c.mallory, exp: nowS() + 600 }),
        c.target.jwtSecret,
        "sha512",
      )}`,
  },
  {
    name: "forged: signed with another secret",
    make: (c) =>
      `Bearer ${signJwt({ sub: c.alice, exp: nowS() + 600 }, randomBytes(32).toString("hex"))}`,
  },
  {
    name: "spliced: mallory's signature on alice's claims",
    make: (c) => {
      const [head, , signature] = c.token(c.mallory).split(".");
      return `Bearer ${head}.${b64(JSON.stringify({ sub: c.alice, exp: nowS() + 600 }))}.${signature}`;
    },
  },
  {
    name: "replayed after expiry (exp 60 s ago)",
    make: (c) => `Bearer ${signJwt({ sub: c.mallory, exp: nowS() - 60 }, c.target.jwtSecret)}`,
  },
  {
    name: "missing exp",
    messageMustNot: /undefined/,
    make: (c) => `Bearer ${rawJwt(hs256, JSON.stringify({ sub: c.mallory }), c.target.jwtSecret)}`,
  },
  {
    name: "exp 1e400 (never expires)",
    make: (c) =>
      `Bearer ${rawJwt(hs256, `{"sub":${JSON.stringify(c.mallory)},"exp":1e400}`, c.target.jwtSecret)}`,
  },
  {
    name: "exp 400 days ahead (past any token lifetime the stack issues)",
    make: (c) =>
      `Bearer ${signJwt({ sub: c.mallory, exp: nowS() + 400 * 86_400 }, c.target.jwtSecret)}`,
  },
  {
    name: "exp as a string",
    make: (c) =>
      `Bearer ${rawJwt(hs256, JSON.stringify({ sub: c.mallory, exp: String(nowS() + 600) }), c.target.jwtSecret)}`,
  },
  {
    name: "NUL in sub",
    make: (c) =>
      `Bearer ${rawJwt(hs256, JSON.stringify({ sub: `${c.mallory}\u0000admin`, exp: nowS() + 600 }), c.target.jwtSecret)}`,
  },
  {
    name: "empty sub",
    make: (c) =>
      `Bearer ${rawJwt(hs256, JSON.stringify({ sub: "", exp: nowS() + 600 }), c.target.jwtSecret)}`,
  },
  {
    name: "oversized token (8 KiB of claims)",
    statuses: [400, 401, 431],
    make: (c) =>
      `Bearer ${rawJwt(hs256, JSON.stringify({ sub: c.mallory, exp: nowS() + 600, pad: "a".repeat(8192) }), c.target.jwtSecret)}`,
  },
];

interface Route {
  readonly name: string;
  send(ctx: ProbeContext, authorization: string | undefined): Promise<Answer>;
}

const headersOf = (authorization: string | undefined, type: string) => ({
  "content-type": type,
  ...(authorization === undefined ? {} : { authorization }),
});

const routes: readonly Route[] = [
  {
    name: "POST /v1/files/upload-init",
    send: (c, auth) =>
      ask(`${c.target.gatewayUrl}/v1/files/upload-init`, {
        method: "POST",
        headers: headersOf(auth, "application/json"),
        body: JSON.stringify({ path: `/probe-${c.tag}/auth.txt`, size: 0, blockHashes: [] }),
      }),
  },
  {
    name: "POST /v1/files/commit",
    send: (c, auth) =>
      ask(`${c.target.gatewayUrl}/v1/files/commit`, {
        method: "POST",
        headers: headersOf(auth, "application/json"),
        body: JSON.stringify({
          uploadId: "00000000-0000-4000-8000-000000000000",
          path: `/probe-${c.tag}/auth.txt`,
          size: c.fixture.x.length,
          blockHashes: [sha256Hex(c.fixture.x)],
          baseVersion: 0,
        }),
      }),
  },
  {
    name: "PUT /v1/blocks/{hash}",
    send: (c, auth) => {
      const block = randomBytes(1024);
      return ask(`${c.target.gatewayUrl}/v1/blocks/${sha256Hex(block)}`, {
        method: "PUT",
        headers: headersOf(auth, "application/octet-stream"),
        body: block,
      });
    },
  },
  {
    name: "PUT /v1/blocks/{hash}/delta",
    send: (c, auth) =>
      ask(
        `${c.target.gatewayUrl}/v1/blocks/${sha256Hex(randomBytes(8))}/delta?base=${sha256Hex(c.fixture.x)}`,
        {
          method: "PUT",
          headers: headersOf(auth, "application/octet-stream"),
          body: randomBytes(64),
        },
      ),
  },
  {
    name: "GET /v1/files/content (download path)",
    send: (c, auth) =>
      ask(`${c.target.gatewayUrl}/v1/files/content?path=${encodeURIComponent(c.fixture.path)}`, {
        headers: headersOf(auth, "application/json"),
      }),
  },
];

function judgeRoute(a: Answer, route: Route, variant: TokenVariant): Outcome {
  const detail =
    describeAnswer(a) +
    (a.message && variant.messageMustNot?.test(a.message) ? `: "${a.message}"` : "");
  const clean =
    isCleanRefusal(a, variant.statuses ?? [401]) &&
    !(a.message && variant.messageMustNot?.test(a.message));
  return { verdict: clean ? "refused" : "allowed", detail };
}

async function judgeUpgrade(
  ctx: ProbeContext,
  variant: TokenVariant,
  via: "header" | "query",
): Promise<Outcome> {
  const auth = variant.make(ctx);
  const token = auth?.slice("Bearer ".length);
  const query = via === "query" && token !== undefined ? `&token=${encodeURIComponent(token)}` : "";
  const a = await askUpgrade(
    `${ctx.target.gatewayUrl}${notifications(ctx)}${query}`,
    via === "header" && auth !== undefined ? { authorization: auth } : {},
  );
  return {
    verdict: a.status === 101 ? "allowed" : "refused",
    detail: describeAnswer(a),
  };
}

const notifications = (ctx: ProbeContext) => `/v1/notifications?device=probe-${ctx.tag}`;

/** mallory's valid token must upgrade: without it, "no 101" above could be a dead route. */
const upgradeControl: Attack = {
  group: "token",
  probe: "WebSocket upgrade /v1/notifications: positive control, a valid token",
  rule: "101 (else the refusals above prove nothing)",
  run: async (ctx) => {
    const a = await askUpgrade(`${ctx.target.gatewayUrl}${notifications(ctx)}`, {
      authorization: `Bearer ${ctx.token(ctx.mallory)}`,
    });
    return {
      verdict: a.status === 101 ? "refused" : "allowed",
      detail: `${a.status === 101 ? "control holds: " : "control failed: "}${describeAnswer(a)}`,
    };
  },
};

export function authAttacks(): Attack[] {
  const attacks: Attack[] = [];
  for (const route of routes) {
    for (const variant of variants) {
      attacks.push({
        group: "token",
        probe: `${route.name}: ${variant.name}`,
        rule:
          `${(variant.statuses ?? [401]).join("/")} with a JSON error code` +
          (variant.messageMustNot ? " and a message that names the fault" : ""),
        run: async (ctx) => judgeRoute(await route.send(ctx, variant.make(ctx)), route, variant),
      });
    }
  }
  // Every variant in the Authorization header; the ones a browser client would put in the query too.
  const inQuery = new Set([
    "alg none, no signature",
    "forged: signed with another secret",
    "replayed after expiry (exp 60 s ago)",
  ]);
  for (const variant of variants) {
    for (const via of inQuery.has(variant.name)
      ? (["header", "query"] as const)
      : (["header"] as const)) {
      attacks.push({
        group: "token",
        probe: `WebSocket upgrade /v1/notifications (token in ${via}): ${variant.name}`,
        rule: "no 101 upgrade without a valid token",
        run: (ctx) => judgeUpgrade(ctx, variant, via),
      });
    }
  }
  attacks.push(upgradeControl);
  return attacks;
}
