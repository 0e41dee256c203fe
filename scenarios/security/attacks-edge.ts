// The download side: the CDN edge (nginx proxy_cache keyed by block hash, every request checked
// by an auth subrequest) with the DownloadService's signed block URLs, and the DownloadService's
// routes. alice's block x is fetched once on the URL the DownloadService issued her (which warms
// the edge's cache); then x must not come out of the cache without a valid signature for the
// user it names: unsigned, garbage, expired, alice's signature under mallory's name, another
// block's signature. A positive control (carol, who holds x, on her own URL: a cache HIT) shows
// that the refusals are signature checks and not a cold or broken edge.
import { createHmac } from "node:crypto";
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import type { Attack, Outcome, ProbeContext } from "./probe-context.ts";
import { jsonOf } from "./probe-context.ts";
import { ask, describeAnswer, type Answer } from "./probe-http.ts";
import { presignGet } from "./presign.ts";

const nowS = () => Math.floor(Date.now() / 1000);

/**
 * A block URL signed as the DownloadService signs them (its openapi.yaml: base64url HMAC-SHA256 of
 * "hash\nuser\nexpiry" with the stack's blockUrlKey). Written here from the published scheme, not
 * imported, so that the probe checks the scheme and not the service's own code against itself.
 */
function signedBlockUrl(ctx: ProbeContext, hash: string, user: string, expiresAtS: number): string {
  const key = ctx.target.blockUrlKey;
  if (key === undefined)
    throw new Error("the target names no blockUrlKey: cannot sign a block URL");
  const s = createHmac("sha256", key).update(`${hash}\n${user}\n${expiresAtS}`).digest("base64url");
  const query = new URLSearchParams({ u: user, e: String(expiresAtS), s });
  return `${ctx.target.cdnUrl}/v1/blocks/${hash}?${query.toString()}`;
}

/** Allowed when the answer carries the block's bytes. */
function judgeBytes(a: Answer, block: Buffer, note: string): Outcome {
  const served = a.status >= 200 && a.status < 300 && a.body.equals(block);
  return { verdict: served ? "allowed" : "refused", detail: `${describeAnswer(a)}${note}` };
}

/** The block URLs the DownloadService issues `user` for `path` (hash -> url); {} when it refuses. */
async function issuedUrls(
  ctx: ProbeContext,
  user: string,
  path: string,
  via = "",
): Promise<{ answer: Answer; urls: Map<string, string> }> {
  const answer = await ctx.api(
    user,
    "GET",
    `/v1/files/content?path=${encodeURIComponent(path)}${via}`,
    undefined,
  );
  const blocks = jsonOf(answer).blocks;
  const urls = new Map<string, string>();
  if (Array.isArray(blocks)) {
    for (const b of blocks as Array<{ hash?: unknown; url?: unknown }>) {
      if (typeof b.hash === "string" && typeof b.url === "string") urls.set(b.hash, b.url);
    }
  }
  return { answer, urls };
}

interface Warm {
  /** alice's URLs for x and y, as the DownloadService issued them. */
  readonly x: string;
  readonly y: string;
  readonly note: string;
}

/** One legitimate fetch of x on alice's issued URL through the edge, once per run. */
function warm(ctx: ProbeContext): Promise<Warm> {
  return ctx.once("edge-warm", async () => {
    const { answer, urls } = await issuedUrls(ctx, ctx.alice, ctx.fixture.path);
    const x = urls.get(sha256Hex(ctx.fixture.x));
    const y = urls.get(sha256Hex(ctx.fixture.y));
    if (x === undefined || y === undefined) {
      throw new Error(`alice got no block URLs for her own file: ${describeAnswer(answer)}`);
    }
    const a = await ask(x);
    const ok = a.status === 200 && a.body.equals(ctx.fixture.x);
    const note = ` (after alice's fetch: ${ok ? "200, cache warm" : `NOT warmed: ${describeAnswer(a)}`})`;
    return { x, y, note };
  });
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.href;
}

function edgeAttack(probe: string, url: (ctx: ProbeContext, w: Warm) => string): Attack {
  return {
    group: "edge",
    probe,
    rule: "no 2xx with the block's bytes",
    run: async (ctx) => {
      const w = await warm(ctx);
      return judgeBytes(await ask(url(ctx, w)), ctx.fixture.x, w.note);
    },
  };
}

/** carol commits a file of her own naming x (she uploads its bytes): she holds x legitimately. */
function carolHoldsX(ctx: ProbeContext): Promise<string> {
  return ctx.once("carol-holds-x", async () => {
    const path = `/probe-${ctx.tag}/carol-copy.bin`;
    const put = await ctx.putBlock(ctx.carol, sha256Hex(ctx.fixture.x), ctx.fixture.x);
    const { commit } = await ctx.initAndCommit(ctx.carol, path, [ctx.fixture.x]);
    if (commit.status !== 200) {
      throw new Error(
        `carol could not commit her copy of x: PUT ${describeAnswer(put)}, commit ${describeAnswer(commit)}`,
      );
    }
    return path;
  });
}

function edgeAttacks(): Attack[] {
  const x = (ctx: ProbeContext) => sha256Hex(ctx.fixture.x);
  const plain = (ctx: ProbeContext) => `${ctx.target.cdnUrl}/v1/blocks/${x(ctx)}`;
  return [
    edgeAttack("cached block, no signature", plain),
    edgeAttack("cached block, garbage signature", (_ctx, w) => withParam(w.x, "s", "A".repeat(43))),
    edgeAttack("cached block, URL expired a minute ago (validly signed)", (ctx) =>
      signedBlockUrl(ctx, x(ctx), ctx.alice, nowS() - 60),
    ),
    edgeAttack("cached block, URL valid for a day (past the longest URL lifetime)", (ctx) =>
      signedBlockUrl(ctx, x(ctx), ctx.alice, nowS() + 86_400),
    ),
    edgeAttack("cached block, mallory's name on alice's signature", (ctx, w) =>
      withParam(w.x, "u", ctx.mallory),
    ),
    edgeAttack("cached block, signature of another block (alice's y)", (ctx, w) => {
      return `${plain(ctx)}${new URL(w.y).search}`;
    }),
    edgeAttack(
      "cached block, path variant (./) without a signature",
      (ctx) => `${ctx.target.cdnUrl}/v1/blocks/./${x(ctx)}`,
    ),
    {
      group: "edge",
      probe: "positive control: carol, who holds x, on her own signed URL gets it from the cache",
      rule: "200 with x's bytes and X-Cache HIT (else the rows above prove nothing)",
      run: async (ctx) => {
        const w = await warm(ctx);
        const path = await carolHoldsX(ctx);
        const { answer, urls } = await issuedUrls(ctx, ctx.carol, path);
        const url = urls.get(x(ctx));
        if (url === undefined) {
          return {
            verdict: "allowed",
            detail: `control failed: carol got no URL for x: ${describeAnswer(answer)}`,
          };
        }
        const a = await ask(url);
        const hit =
          a.status === 200 && a.body.equals(ctx.fixture.x) && a.headers["x-cache"] === "HIT";
        return {
          verdict: hit ? "refused" : "allowed",
          detail: `${hit ? "control holds: " : "control failed: "}${describeAnswer(a)}${w.note}`,
        };
      },
    },
    {
      group: "edge",
      probe: "uncached block, URL expired a minute ago (validly signed)",
      rule: "no 2xx with the block's bytes",
      run: async (ctx) =>
        judgeBytes(
          await ask(signedBlockUrl(ctx, sha256Hex(ctx.fixture.y), ctx.alice, nowS() - 60)),
          ctx.fixture.y,
          "",
        ),
    },
    {
      group: "edge",
      probe: "path traversal out of /v1/blocks/ through the edge",
      rule: "no 2xx",
      run: async (ctx) => {
        const answers = await Promise.all(
          [
            "/%2e%2e/",
            "/v1/blocks/../",
            "/v1/blocks/%2e%2e/internal/block-grant",
            "/internal/block-grant",
          ].map((p) => ask(`${ctx.target.cdnUrl}${p}`)),
        );
        const open = answers.some((a) => a.status >= 200 && a.status < 300);
        return {
          verdict: open ? "allowed" : "refused",
          detail: answers.map(describeAnswer).join("; "),
        };
      },
    },
  ];
}

/** Allowed when the answer is a 2xx that carries x's bytes, x's hash or a block URL. */
function judgeDownload(a: Answer, ctx: ProbeContext): Outcome {
  const text = a.body.toString("latin1");
  const leaked =
    a.status >= 200 &&
    a.status < 300 &&
    (a.body.includes(ctx.fixture.x) ||
      text.includes(sha256Hex(ctx.fixture.x)) ||
      text.includes(ctx.fixture.path) ||
      text.includes("/v1/blocks/"));
  return { verdict: leaked ? "allowed" : "refused", detail: describeAnswer(a) };
}

function downloadAttacks(): Attack[] {
  const asMallory = (ctx: ProbeContext, path: string) =>
    ctx.api(ctx.mallory, "GET", path, undefined);
  const rule = "no 2xx with alice's bytes, block hashes, paths or block URLs";
  const dir = (ctx: ProbeContext) =>
    ctx.fixture.path.slice(0, ctx.fixture.path.lastIndexOf("/") + 1);
  return [
    {
      group: "download",
      probe: "another user's block by hash through the gateway (GET /v1/blocks/{hash})",
      rule,
      run: async (ctx) =>
        judgeDownload(await asMallory(ctx, `/v1/blocks/${sha256Hex(ctx.fixture.x)}`), ctx),
    },
    {
      group: "download",
      probe: "another user's file content (GET /v1/files/content?path=alice's)",
      rule: "404 or 403, and no block URL",
      run: async (ctx) => {
        const { answer, urls } = await issuedUrls(ctx, ctx.mallory, ctx.fixture.path);
        const judged = judgeDownload(answer, ctx);
        const refused = [403, 404].includes(answer.status) && urls.size === 0;
        return {
          verdict: refused && judged.verdict === "refused" ? "refused" : "allowed",
          detail: judged.detail,
        };
      },
    },
    {
      group: "download",
      probe: "another user's listing (GET /v1/files?prefix=alice's folder)",
      rule,
      run: async (ctx) =>
        judgeDownload(
          await asMallory(ctx, `/v1/files?prefix=${encodeURIComponent(dir(ctx))}`),
          ctx,
        ),
    },
    {
      group: "download",
      probe: "another user's versions (GET /v1/files/versions?path=alice's)",
      rule,
      run: async (ctx) =>
        judgeDownload(
          await asMallory(ctx, `/v1/files/versions?path=${encodeURIComponent(ctx.fixture.path)}`),
          ctx,
        ),
    },
    {
      group: "download",
      probe:
        "a signed URL for alice's block: mallory names x in a file of her own without its bytes",
      rule: "mallory gets no URL for x (commit refused, or content without x)",
      run: async (ctx) => {
        const path = `/probe-${ctx.tag}/mallory-claims-x.bin`;
        const { commit } = await ctx.initAndCommit(ctx.mallory, path, [ctx.fixture.x]);
        const { answer, urls } = await issuedUrls(ctx, ctx.mallory, path);
        const url = urls.get(sha256Hex(ctx.fixture.x));
        const served = url === undefined ? undefined : await ask(url);
        return {
          verdict: url === undefined ? "refused" : "allowed",
          detail:
            `commit ${describeAnswer(commit)}, content ${describeAnswer(answer)}` +
            (served ? `, x's URL ${describeAnswer(served)}` : ", no URL for x"),
        };
      },
    },
    {
      group: "download",
      probe: "presigned S3 URL (via=s3) of mallory's own block, pointed at alice's block",
      rule: "no 2xx with x's bytes (the signature covers the object key)",
      run: async (ctx) => {
        const own = ctx.fixture.y.subarray(0, 1024).map((b) => b ^ 0x5a);
        const path = `/probe-${ctx.tag}/mallory-own.bin`;
        await ctx.putBlock(ctx.mallory, sha256Hex(own), own);
        const { commit } = await ctx.initAndCommit(ctx.mallory, path, [own]);
        const { answer, urls } = await issuedUrls(ctx, ctx.mallory, path, "&via=s3");
        const url = urls.get(sha256Hex(own));
        if (url === undefined) {
          throw new Error(
            `mallory got no presigned URL for her own block: commit ${describeAnswer(commit)}, ` +
              `content ${describeAnswer(answer)}`,
          );
        }
        const own200 = await ask(url);
        const swapped = url.replace(sha256Hex(own), sha256Hex(ctx.fixture.x));
        const note = ` (her own URL: ${describeAnswer(own200)})`;
        if (own200.status !== 200 || !own200.body.equals(own)) {
          return {
            verdict: "allowed",
            detail: `control failed: her own URL does not serve${note}`,
          };
        }
        return judgeBytes(await ask(swapped), ctx.fixture.x, note);
      },
    },
    {
      group: "download",
      probe: "presigned S3 URL of alice's block, expired a minute ago (validly signed)",
      rule: "no 2xx with x's bytes",
      run: async (ctx) => {
        const { s3 } = ctx.target;
        const url = presignGet({
          url: `${s3.url}/${s3.bucket}/${sha256Hex(ctx.fixture.x)}`,
          region: s3.region,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
          signedAtS: nowS() - 120,
          expiresS: 60,
        });
        return judgeBytes(await ask(url), ctx.fixture.x, "");
      },
    },
  ];
}

export function downloadSideAttacks(): Attack[] {
  return [...edgeAttacks(), ...downloadAttacks()];
}
