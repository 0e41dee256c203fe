// The Dropship family (design/decisions/0003-possession-proof.md): getting a reference to a block
// by knowing its hash. mallory knows the hashes of alice's blocks x and y but never held their
// bytes; carol holds a copy of x and proves it legitimately. Refused means a 4xx with a JSON error
// code and no version of mallory's file afterwards.
import { randomBytes, randomUUID } from "node:crypto";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { sha256Hex } from "../../reference-impl/core/hash.ts";
import { answerChallenge } from "./possession-answer.ts";
import { jsonOf, sizeOf, type Attack, type Outcome, type ProbeContext } from "./probe-context.ts";
import { describeAnswer, isCleanRefusal, type Answer } from "./probe-http.ts";

interface Challenge {
  readonly hash: string;
  readonly token: string;
  readonly nonce: string;
}

function challengesOf(a: Answer): Challenge[] {
  const list = jsonOf(a).challenges;
  return Array.isArray(list) ? (list as Challenge[]) : [];
}

/** Refused when the commit is a clean 4xx and the user holds no version of the path afterwards. */
async function judgeCommit(
  ctx: ProbeContext,
  user: string,
  path: string,
  commit: Answer,
  note = "",
): Promise<Outcome> {
  const version = await ctx.versionOf(user, path);
  const detail = `${describeAnswer(commit)}${note}; ${user.split("-").pop()} holds version ${version}`;
  return { verdict: isCleanRefusal(commit) && version === 0 ? "refused" : "allowed", detail };
}

/** mallory's upload-init for x, then a commit with the proofs `proofsOf` builds from her challenges. */
async function claimX(
  ctx: ProbeContext,
  name: string,
  proofsOf: (mine: Challenge[]) => Promise<unknown[] | undefined>,
): Promise<Outcome> {
  const path = `/probe-${ctx.tag}/${name}.bin`;
  const init = await ctx.init(ctx.mallory, path, [ctx.fixture.x, ctx.fixture.y]);
  const proofs = await proofsOf(challengesOf(init));
  const plan = jsonOf(init);
  const commit = await ctx.api(ctx.mallory, "POST", "/v1/files/commit", {
    uploadId: plan.uploadId ?? randomUUID(),
    path,
    size: sizeOf([ctx.fixture.x, ctx.fixture.y]),
    baseVersion: 0,
    blockHashes: [sha256Hex(ctx.fixture.x), sha256Hex(ctx.fixture.y)],
    ...(proofs ? { proofs } : {}),
  });
  return judgeCommit(
    ctx,
    ctx.mallory,
    path,
    commit,
    ` (upload-init gave ${challengesOf(init).length} challenge(s))`,
  );
}

const x = (ctx: ProbeContext) => sha256Hex(ctx.fixture.x);
const y = (ctx: ProbeContext) => sha256Hex(ctx.fixture.y);
const rule = "4xx with a JSON error code; the attacker holds no version";

type Proofs = (ctx: ProbeContext, mine: Challenge[]) => Promise<unknown[] | undefined>;

const randomProof = () => randomBytes(32).toString("hex");

/** Carol holds x, asks for her own challenge and answers it: a valid proof, for mallory to replay. */
async function carolsProof(ctx: ProbeContext): Promise<unknown[]> {
  const init = await ctx.init(ctx.carol, `/probe-${ctx.tag}/carol.bin`, [ctx.fixture.x]);
  return challengesOf(init).map((c) => ({
    hash: c.hash,
    token: c.token,
    proof: answerChallenge(ctx.fixture.x, c.nonce),
  }));
}

/** mallory's own tokens with the expiry pushed to the year 275,000 (the MAC left as it was). */
function editedTokens(mine: Challenge[]): unknown[] {
  return mine.map((c) => {
    const [payload = "", mac = ""] = c.token.split(".");
    const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as object;
    const edited = Buffer.from(JSON.stringify({ ...body, x: 8.64e15 })).toString("base64url");
    return { hash: c.hash, token: `${edited}.${mac}`, proof: randomProof() };
  });
}

/** Tokens in the server's format, made without its key. */
function selfMadeTokens(ctx: ProbeContext): unknown[] {
  return [ctx.fixture.x, ctx.fixture.y].map((b) => {
    const claim = {
      u: ctx.mallory,
      h: sha256Hex(b),
      n: randomBytes(16).toString("hex"),
      x: Date.now() + 9e5,
    };
    const payload = Buffer.from(JSON.stringify(claim)).toString("base64url");
    return {
      hash: sha256Hex(b),
      token: `${payload}.${randomBytes(32).toString("base64url")}`,
      proof: randomProof(),
    };
  });
}

const proofVariants: readonly [string, string, Proofs][] = [
  ["commit another user's blocks by hash, no proof", "no-proof", async () => undefined],
  [
    "commit with forged proofs (random answers to real challenges)",
    "forged-proof",
    async (_, mine) => mine.map((c) => ({ hash: c.hash, token: c.token, proof: randomProof() })),
  ],
  ["commit with carol's valid proof of x replayed by mallory", "replayed-proof", carolsProof],
  [
    "commit with y's challenge token presented as x's",
    "swapped-token",
    async (ctx, mine) => {
      const forY = mine.find((c) => c.hash === y(ctx));
      return forY ? [{ hash: x(ctx), token: forY.token, proof: randomProof() }] : [];
    },
  ],
  [
    "commit with a challenge token whose expiry was edited (MAC kept)",
    "edited-token",
    async (_, mine) => editedTokens(mine),
  ],
  [
    "commit with a self-made challenge token (no MAC key)",
    "self-made-token",
    async (ctx) => selfMadeTokens(ctx),
  ],
];

function proofAttacks(): Attack[] {
  return proofVariants.map(([probe, name, proofs]) => ({
    group: "dropship",
    probe,
    rule,
    run: (ctx: ProbeContext) => claimX(ctx, name, (mine) => proofs(ctx, mine)),
  }));
}

function uploadAttacks(): Attack[] {
  return [
    {
      group: "dropship",
      probe: "delta with another user's block as base (copy-everything delta)",
      rule: "4xx with a JSON error code; the target block is not stored for the attacker",
      run: async (ctx) => {
        const target = Buffer.concat([ctx.fixture.x, Buffer.from("!")]);
        const put = await ctx.putBlock(
          ctx.mallory,
          sha256Hex(target),
          encodeDelta(ctx.fixture.x, target),
          `/delta?base=${x(ctx)}`,
        );
        return {
          verdict: isCleanRefusal(put) ? "refused" : "allowed",
          detail: describeAnswer(put),
        };
      },
    },
    {
      group: "dropship",
      probe: "upload other bytes under x's hash, then commit x",
      rule: "the upload is a 4xx and the commit is refused",
      run: async (ctx) => {
        const put = await ctx.putBlock(ctx.mallory, x(ctx), randomBytes(ctx.fixture.x.length));
        const path = `/probe-${ctx.tag}/overwrite.bin`;
        const { commit } = await ctx.initAndCommit(ctx.mallory, path, [ctx.fixture.x]);
        const judged = await judgeCommit(ctx, ctx.mallory, path, commit);
        const ok = isCleanRefusal(put) && judged.verdict === "refused";
        return {
          verdict: ok ? "refused" : "allowed",
          detail: `upload ${describeAnswer(put)}; commit ${judged.detail}`,
        };
      },
    },
    {
      group: "dropship",
      probe: "commit a hash nobody stored, then claim it after its owner uploads it",
      rule: "both commits refused; the owner's upload grants mallory nothing",
      run: async (ctx) => {
        const z = randomBytes(4096);
        const path = `/probe-${ctx.tag}/race.bin`;
        const first = (await ctx.initAndCommit(ctx.mallory, path, [z])).commit;
        const put = await ctx.putBlock(ctx.alice, sha256Hex(z), z);
        await ctx.initAndCommit(ctx.alice, `/probe-${ctx.tag}/z.bin`, [z]); // alice's z is committed: fsck stays clean
        const second = (await ctx.initAndCommit(ctx.mallory, path, [z])).commit;
        const judged = await judgeCommit(ctx, ctx.mallory, path, second);
        const ok = isCleanRefusal(first) && judged.verdict === "refused";
        return {
          verdict: ok ? "refused" : "allowed",
          detail: `missing ${describeAnswer(first)}; alice uploads ${put.status}; claim ${judged.detail}`,
        };
      },
    },
  ];
}

export function dedupAttacks(): Attack[] {
  return [...proofAttacks(), ...uploadAttacks()];
}
