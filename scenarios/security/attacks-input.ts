// Input attacks on the upload routes: path traversal and NUL in file paths and in URLs, bodies and
// hash lists one past their limits, a delta that does not produce its hash, a commit whose size
// does not match its blocks, an uploadId reused across users, and one user's oversized bodies
// ejecting the upstream for everyone else. Refused means the intended 4xx with a JSON error code.
import { randomBytes, randomUUID } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import { blockSizeBytes, deltaRawOverheadBytesMax } from "../../reference-impl/core/limits.ts";
import type { Attack, Outcome, ProbeContext } from "./probe-context.ts";
import { ask, describeAnswer, isCleanRefusal, type Answer } from "./probe-http.ts";

/** The ChunkService's published limits (openapi.yaml): the probe sends one past each. */
export const apiLimits = {
  hashesMax: 10_000,
  jsonBodyBytesMax: 2 * 1024 * 1024,
  proofsMax: 64,
  deltaBasesMax: 3,
};

const judge = (a: Answer, statuses?: readonly number[]): Outcome => ({
  verdict: isCleanRefusal(a, statuses) ? "refused" : "allowed",
  detail: describeAnswer(a),
});

const hashes = (n: number) => Array.from({ length: n }, (_, i) => sha256Hex(Buffer.from(`h${i}`)));

function pathAttacks(): Attack[] {
  const paths: [string, string][] = [
    ["../../etc/passwd", "relative with .."],
    ["/../../etc/passwd", "/../.. escape"],
    ["/a/../../b", "a .. segment"],
    ["/a/./b", "a . segment"],
    ["/a\u0000b", "NUL"],
    ["/a//b", "empty segment"],
    ["/a\\..\\..\\b", "backslash .."],
    ["", "empty"],
  ];
  return paths.map(([path, name]) => ({
    group: "paths",
    probe: `upload-init with file path ${JSON.stringify(path)} (${name})`,
    rule: "400 with a JSON error code",
    run: async (ctx: ProbeContext) =>
      judge(
        await ctx.api(ctx.mallory, "POST", "/v1/files/upload-init", {
          path,
          size: 0,
          blockHashes: [],
        }),
        [400],
      ),
  }));
}

function urlAttacks(): Attack[] {
  const block = (ctx: ProbeContext, hashPart: string) =>
    ask(`${ctx.target.gatewayUrl}/v1/blocks/${hashPart}`, {
      method: "PUT",
      body: randomBytes(16),
      headers: { authorization: `Bearer ${ctx.token(ctx.mallory)}` },
    });
  const internal = [
    "/internal/timings",
    "/v1/../internal/timings",
    "/v1/%2e%2e/internal/timings",
    "/v1/..%2finternal/timings",
  ];
  return [
    ...["..%2f..%2fetc%2fpasswd", "%00", `${"a".repeat(64)}%00`, "..", "%2e%2e%2f%2e%2e"].map(
      (part): Attack => ({
        group: "paths",
        probe: `PUT /v1/blocks/${part}`,
        rule: "4xx with a JSON error code",
        run: async (ctx) => judge(await block(ctx, part)),
      }),
    ),
    ...internal.map((p): Attack => ({
      group: "paths",
      probe: `gateway GET ${p} (a process-internal route)`,
      rule: "no 2xx",
      run: async (ctx) => {
        const a = await ask(`${ctx.target.gatewayUrl}${p}`, {
          headers: { authorization: `Bearer ${ctx.token(ctx.mallory)}` },
        });
        return {
          verdict: a.status >= 200 && a.status < 300 ? "allowed" : "refused",
          detail: describeAnswer(a),
        };
      },
    })),
  ];
}

const r413 = "413 with a JSON error code (not 502, not an HTML page)";
const r400 = "400 with a JSON error code";

/** A "sizes" row: `send` makes the request, `statuses` are the ones that refuse it. */
function sized(
  probe: string,
  statuses: readonly number[],
  send: (ctx: ProbeContext) => Promise<Answer>,
): Attack {
  return {
    group: "sizes",
    probe,
    rule: statuses.includes(413) ? r413 : r400,
    run: async (ctx) => judge(await send(ctx), statuses),
  };
}

function postAs(ctx: ProbeContext, route: string, body: string): Promise<Answer> {
  return ask(`${ctx.target.gatewayUrl}${route}`, {
    method: "POST",
    body,
    headers: {
      authorization: `Bearer ${ctx.token(ctx.mallory)}`,
      "content-type": "application/json",
    },
  });
}

function putSized(ctx: ProbeContext, suffix: string, n: number): Promise<Answer> {
  return ctx.putBlock(ctx.mallory, sha256Hex(randomBytes(8)), Buffer.alloc(n), suffix);
}

function bodyAttacks(): Attack[] {
  const big = `{"path":"/x","size":0,"blockHashes":[],"pad":"${"a".repeat(apiLimits.jsonBodyBytesMax)}"}`;
  const base = (ctx: ProbeContext) => `/delta?base=${sha256Hex(ctx.fixture.x)}`;
  return [
    sized("upload-init body one past 2 MiB", [413], (c) => postAs(c, "/v1/files/upload-init", big)),
    sized("commit body one past 2 MiB", [413], (c) => postAs(c, "/v1/files/commit", big)),
    sized("PUT block of 4 MiB + 1 byte", [413], (c) => putSized(c, "", blockSizeBytes + 1)),
    sized("PUT block of 6 MiB (past the gateway's body limit)", [413], (c) =>
      putSized(c, "", 6 * 1024 * 1024),
    ),
    sized("PUT delta one past 4 MiB + its header", [413], (c) =>
      putSized(c, base(c), blockSizeBytes + deltaRawOverheadBytesMax + 1),
    ),
  ];
}

function listAttacks(): Attack[] {
  const n = apiLimits.hashesMax + 1;
  const commit = { path: "/h", size: 0, baseVersion: 0 };
  const proofs = hashes(apiLimits.proofsMax + 1).map((h) => ({ hash: h, token: "t.m", proof: h }));
  const bases = hashes(apiLimits.deltaBasesMax + 1).join(",");
  return [
    sized(`upload-init with ${n} hashes`, [400], (c) =>
      c.api(c.mallory, "POST", "/v1/files/upload-init", {
        path: "/h",
        size: 0,
        blockHashes: hashes(n),
      }),
    ),
    sized(`commit with ${n} hashes`, [400], (c) =>
      c.api(c.mallory, "POST", "/v1/files/commit", {
        ...commit,
        uploadId: randomUUID(),
        blockHashes: hashes(n),
      }),
    ),
    sized(`commit with ${apiLimits.proofsMax + 1} proofs`, [400], (c) =>
      c.api(c.mallory, "POST", "/v1/files/commit", {
        ...commit,
        uploadId: randomUUID(),
        blockHashes: [],
        proofs,
      }),
    ),
    sized(`delta naming ${apiLimits.deltaBasesMax + 1} bases`, [400], (c) =>
      putSized(c, `/delta?base=${bases}`, 64),
    ),
    {
      group: "sizes",
      probe: "one user's oversized bodies do not eject the upstream for another",
      rule: "no 502 for the other user's requests sent right after each oversized body",
      run: ejection,
    },
  ];
}

/** The issue's repro, bounded: 4 rounds of a 3 MB body from mallory, each followed by carol's request. */
async function ejection(ctx: ProbeContext): Promise<Outcome> {
  const big = `{"pad":"${"a".repeat(3_000_000)}"}`;
  const statuses: number[] = [];
  for (let round = 0; round < 4; round++) {
    await ask(`${ctx.target.gatewayUrl}/v1/files/upload-init`, {
      method: "POST",
      body: big,
      headers: {
        authorization: `Bearer ${ctx.token(ctx.mallory)}`,
        "content-type": "application/json",
      },
    });
    for (let i = 0; i < 2; i++)
      statuses.push((await ctx.init(ctx.carol, `/probe-${ctx.tag}/eject.txt`, [])).status);
  }
  const failed = statuses.filter((s) => s !== 200).length;
  return {
    verdict: failed === 0 ? "refused" : "allowed",
    detail: `carol's statuses ${statuses.join(",")}`,
  };
}

function contentAttacks(): Attack[] {
  return [
    {
      group: "content",
      probe: "delta whose result does not match its hash",
      rule: "422 with a JSON error code",
      run: async (ctx) => {
        const other = Buffer.from(ctx.fixture.x);
        other.write("edited", 100);
        const put = await ctx.putBlock(
          ctx.alice,
          sha256Hex(randomBytes(32)),
          encodeDelta(ctx.fixture.x, other),
          `/delta?base=${sha256Hex(ctx.fixture.x)}`,
        );
        return judge(put, [422]);
      },
    },
    ...[
      ["one byte more than its blocks", 1],
      ["2^53 - 1 bytes", 0],
    ].map(([name, extra]): Attack => ({
      group: "content",
      probe: `commit whose size is ${name}`,
      rule: "4xx with a JSON error code; no version",
      run: async (ctx) => {
        const path = `/probe-${ctx.tag}/size-${extra}.bin`;
        const size = extra === 1 ? ctx.fixture.x.length + 1 : Number.MAX_SAFE_INTEGER;
        const { commit } = await ctx.initAndCommit(ctx.alice, path, [ctx.fixture.x], { size });
        const version = await ctx.versionOf(ctx.alice, path);
        return {
          verdict: isCleanRefusal(commit) && version === 0 ? "refused" : "allowed",
          detail: `${describeAnswer(commit)}; alice holds version ${version}`,
        };
      },
    })),
  ];
}

/** alice commits with uploadId U; another user commits with U: refused, and alice's path never shown. */
async function reuse(ctx: ProbeContext, other: string): Promise<Outcome> {
  const path = `/probe-${ctx.tag}/reused-${randomUUID().slice(0, 4)}.txt`;
  const { uploadId, commit } = await ctx.initAndCommit(ctx.alice, path, [ctx.fixture.x]);
  if (commit.status !== 200)
    return { verdict: "allowed", detail: `alice's own commit failed: ${describeAnswer(commit)}` };
  const theirs = `/probe-${ctx.tag}/theirs.txt`;
  const { commit: second } = await ctx.initAndCommit(other, theirs, [], { uploadId });
  const text = second.body.toString("utf8");
  const leaks = text.includes(path) || /\bversion\b/.test(second.message ?? "");
  const detail = `${describeAnswer(second)}${leaks ? `: leaks "${second.message}"` : ""}`;
  return { verdict: isCleanRefusal(second) && !leaks ? "refused" : "allowed", detail };
}

function reuseAttacks(): Attack[] {
  const rule = "4xx with a JSON error code that names neither alice's path nor her version";
  return [
    {
      group: "upload-id",
      probe: "alice's uploadId reused by a user on her shard",
      rule,
      run: (ctx) => reuse(ctx, ctx.userOnShardOf(ctx.alice, [ctx.alice])),
    },
    {
      group: "upload-id",
      probe: "alice's uploadId reused by a user on another shard",
      rule,
      run: (ctx) => reuse(ctx, ctx.userOnOtherShard(ctx.alice)),
    },
  ];
}

export function inputAttacks(): Attack[] {
  return [
    ...pathAttacks(),
    ...urlAttacks(),
    ...bodyAttacks(),
    ...listAttacks(),
    ...contentAttacks(),
    ...reuseAttacks(),
  ];
}
