// The download side: the CDN edge (nginx proxy_cache in front of the S3 bucket) and signed URLs.
// alice's block x is fetched once with a valid presigned URL through the edge (which warms its
// cache); then the edge must still refuse x without a valid signature: unsigned, garbage, expired,
// or signed for another block. The DownloadService rows probe what answers today and turn into
// real checks when a DownloadService answers on the gateway's /v1/ download routes.
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import type { Attack, Outcome, ProbeContext } from "./probe-context.ts";
import { ask, describeAnswer, type Answer } from "./probe-http.ts";
import { presignGet } from "./presign.ts";

const nowS = () => Math.floor(Date.now() / 1000);

/** A presigned GET of `hash` as the S3 server sees it, sent through the edge (which forwards the host). */
function signedEdgeUrl(
  ctx: ProbeContext,
  hash: string,
  signedAtS: number,
  expiresS: number,
): string {
  const { s3 } = ctx.target;
  const signed = presignGet({
    url: `${s3.url}/${s3.bucket}/${hash}`,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    signedAtS,
    expiresS,
  });
  const u = new URL(signed);
  return `${ctx.target.cdnUrl}${u.pathname}${u.search}`;
}

/** Allowed when the answer carries the block's bytes. */
function judgeBytes(a: Answer, block: Buffer, note: string): Outcome {
  const served = a.status >= 200 && a.status < 300 && a.body.equals(block);
  return { verdict: served ? "allowed" : "refused", detail: `${describeAnswer(a)}${note}` };
}

/** One legitimate signed fetch of x through the edge, once per run; its outcome goes into the details. */
function warm(ctx: ProbeContext): Promise<string> {
  return ctx.once("edge-warm", async () => {
    const a = await ask(signedEdgeUrl(ctx, sha256Hex(ctx.fixture.x), nowS(), 300));
    const ok = a.status === 200 && a.body.equals(ctx.fixture.x);
    return ` (after a signed fetch: ${ok ? "200, cache warm" : `NOT warmed: ${describeAnswer(a)}`})`;
  });
}

function edgeAttack(probe: string, url: (ctx: ProbeContext) => string): Attack {
  return {
    group: "edge",
    probe,
    rule: "no 2xx with the block's bytes",
    run: async (ctx) => {
      const note = await warm(ctx);
      return judgeBytes(await ask(url(ctx)), ctx.fixture.x, note);
    },
  };
}

function edgeAttacks(): Attack[] {
  const x = (ctx: ProbeContext) => sha256Hex(ctx.fixture.x);
  const plain = (ctx: ProbeContext) => `${ctx.target.cdnUrl}/${ctx.target.s3.bucket}/${x(ctx)}`;
  return [
    edgeAttack("cached block, no signature", plain),
    edgeAttack(
      "cached block, garbage signature",
      (ctx) =>
        `${signedEdgeUrl(ctx, x(ctx), nowS(), 300).replace(
          /X-Amz-Signature=[0-9a-f]+/,
          `X-Amz-Signature=${"0".repeat(64)}`,
        )}`,
    ),
    edgeAttack("cached block, presigned URL expired an hour ago", (ctx) =>
      signedEdgeUrl(ctx, x(ctx), nowS() - 7200, 3600),
    ),
    edgeAttack("cached block, signature of another block (y's)", (ctx) => {
      const forY = new URL(signedEdgeUrl(ctx, sha256Hex(ctx.fixture.y), nowS(), 300));
      return `${plain(ctx)}${forY.search}`;
    }),
    edgeAttack(
      "cached block, path variant (%2F, ./) without a signature",
      (ctx) => `${ctx.target.cdnUrl}/${ctx.target.s3.bucket}/./${x(ctx)}`,
    ),
    {
      group: "edge",
      probe: "uncached block, presigned URL expired an hour ago",
      rule: "no 2xx with the block's bytes",
      run: async (ctx) =>
        judgeBytes(
          await ask(signedEdgeUrl(ctx, sha256Hex(ctx.fixture.y), nowS() - 7200, 3600)),
          ctx.fixture.y,
          "",
        ),
    },
    {
      group: "edge",
      probe: "bucket listing through the edge",
      rule: "no 2xx",
      run: async (ctx) => {
        const a = await ask(`${ctx.target.cdnUrl}/${ctx.target.s3.bucket}/`);
        return {
          verdict: a.status >= 200 && a.status < 300 ? "allowed" : "refused",
          detail: describeAnswer(a),
        };
      },
    },
    {
      group: "edge",
      probe: "path traversal out of the bucket through the edge",
      rule: "no 2xx",
      run: async (ctx) => {
        const answers = await Promise.all(
          ["/%2e%2e/", `/${ctx.target.s3.bucket}/../`, `/${ctx.target.s3.bucket}/%2e%2e/`].map(
            (p) => ask(`${ctx.target.cdnUrl}${p}`),
          ),
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

/** Allowed when mallory gets x's bytes or alice's block list; "not applicable" while nothing answers. */
function judgeDownload(a: Answer, ctx: ProbeContext, routeMissing = false): Outcome {
  if ((a.status === 502 && a.code === undefined) || (routeMissing && a.code === "NOT_FOUND")) {
    return {
      verdict: "not-applicable",
      detail: `${describeAnswer(a)}: no DownloadService answers yet`,
    };
  }
  const leaked =
    a.status >= 200 &&
    a.status < 300 &&
    (a.body.includes(ctx.fixture.x) ||
      a.body.toString("latin1").includes(sha256Hex(ctx.fixture.x)));
  return { verdict: leaked ? "allowed" : "refused", detail: describeAnswer(a) };
}

function downloadAttacks(): Attack[] {
  const asMallory = (ctx: ProbeContext, path: string) =>
    ask(`${ctx.target.gatewayUrl}${path}`, {
      headers: { authorization: `Bearer ${ctx.token(ctx.mallory)}` },
    });
  const rule = "no 2xx with alice's bytes or block list";
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
      probe: "another user's file through the DownloadService (GET /v1/files?path=)",
      rule,
      run: async (ctx) =>
        judgeDownload(
          await asMallory(ctx, `/v1/files?path=${encodeURIComponent(ctx.fixture.path)}`),
          ctx,
        ),
    },
    {
      group: "download",
      probe: "a signed URL for another user's block from the DownloadService",
      rule,
      run: async (ctx) =>
        judgeDownload(
          await asMallory(
            ctx,
            `/v1/blocks/${sha256Hex(ctx.fixture.x)}/url?path=${encodeURIComponent(ctx.fixture.path)}`,
          ),
          ctx,
          true,
        ),
    },
  ];
}

export function downloadSideAttacks(): Attack[] {
  return [...edgeAttacks(), ...downloadAttacks()];
}
