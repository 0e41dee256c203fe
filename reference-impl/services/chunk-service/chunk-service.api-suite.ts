// The ChunkService API suite, run over HTTP against a server on port 0 with the memory adapters
// (unit) and with the real Postgres, S3 and Kafka adapters (integration): new files, deltas,
// dedup within and across users with and without a possession proof, version conflicts, bad
// hashes, oversized bodies and other users' tokens, each asserted on status and error code.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDelta } from "../../core/delta.ts";
import { signJwt } from "../../runtime/jwt.ts";
import { answerChallenge, type Challenge } from "./possession.ts";
import type { ChunkServicePorts } from "./ports.ts";
import { createChunkServer } from "./routes.ts";

const jwtSecret = "test-secret-0123456789";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export function chunkServiceApiSuite(
  name: string,
  openPorts: () => Promise<ChunkServicePorts>,
): void {
  describe(`ChunkService API (${name})`, () => {
    let base = "";
    let ports: ChunkServicePorts;
    let close = async () => undefined as void;
    const committedShards: number[] = [];
    beforeAll(async () => {
      ports = await openPorts();
      const server = createChunkServer({
        ports,
        log: () => undefined,
        onCommitted: (s) => committedShards.push(s),
        settings: {
          jwtSecret,
          possessionKey: "possession-key-0123456789",
          graceMs: 72 * 3_600_000,
        },
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      close = () => new Promise((resolve) => server.close(() => resolve()));
    });
    afterAll(() => close());

    const token = (user: string, expS = Date.now() / 1000 + 600) =>
      signJwt({ sub: user, exp: expS }, jwtSecret);
    const call = async (
      user: string,
      method: string,
      path: string,
      body?: unknown,
      raw?: Uint8Array,
    ) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token(user)}`,
          ...(raw
            ? { "content-type": "application/octet-stream" }
            : { "content-type": "application/json" }),
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const init = (user: string, path: string, blocks: Uint8Array[]) =>
      call(user, "POST", "/v1/files/upload-init", {
        path,
        size: blocks.reduce((n, b) => n + b.length, 0),
        blockHashes: blocks.map(sha),
      });
    /** upload-init issues the uploadId the commit sends back. */
    const commit = async (
      user: string,
      path: string,
      blocks: Uint8Array[],
      baseVersion: number,
      proofs?: unknown[],
    ) =>
      call(user, "POST", "/v1/files/commit", {
        uploadId: (await init(user, path, blocks)).json.uploadId as string,
        path,
        size: blocks.reduce((n, b) => n + b.length, 0),
        blockHashes: blocks.map(sha),
        baseVersion,
        ...(proofs ? { proofs } : {}),
      });
    const put = (user: string, block: Uint8Array) =>
      call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block);
    const newUser = () => `user-${randomUUID().slice(0, 8)}`;

    it("uploads a new file: init lists every block missing, blocks go up, commit makes version 1", async () => {
      const user = newUser();
      const blocks = [randomBytes(64 * 1024), randomBytes(1000)];
      const first = await init(user, "/a.bin", blocks);
      expect(first.status).toBe(200);
      expect([...first.json.missing].sort()).toEqual(blocks.map(sha).sort());
      expect(first.json.currentVersion).toBe(0);
      for (const block of blocks) expect((await put(user, block)).status).toBe(201);
      expect(await commit(user, "/a.bin", blocks, 0)).toEqual({
        status: 200,
        json: { version: 1 },
      });
      const again = await init(user, "/a.bin", blocks);
      expect(again.json).toMatchObject({ missing: [], challenges: [], currentVersion: 1 });
    });

    it("sends an edit as a delta against the old block and stores the exact new block", async () => {
      const user = newUser();
      const old = randomBytes(256 * 1024);
      await put(user, old);
      await commit(user, "/doc", [old], 0);
      const edited = Buffer.from(old);
      edited.write("a hundred bytes of new text ".repeat(4), 1000);
      const plan = await init(user, "/doc", [edited]);
      expect(plan.json.deltaBases[sha(edited)]).toEqual([sha(old)]);
      const delta = encodeDelta(old, edited);
      expect(delta.length).toBeLessThan(1000);
      const sent = await call(
        user,
        "PUT",
        `/v1/blocks/${sha(edited)}/delta?base=${sha(old)}`,
        undefined,
        delta,
      );
      expect(sent.status).toBe(201);
      expect(sha((await ports.blockStore.get(sha(edited))) as Uint8Array)).toBe(sha(edited));
      expect(await commit(user, "/doc", [edited], 1)).toEqual({
        status: 200,
        json: { version: 2 },
      });
    });

    it("refuses a delta whose result does not hash to its key (422) and stores nothing", async () => {
      const user = newUser();
      const old = randomBytes(8192);
      await put(user, old);
      const wrongKey = sha(randomBytes(16));
      const sent = await call(
        user,
        "PUT",
        `/v1/blocks/${wrongKey}/delta?base=${sha(old)}`,
        undefined,
        encodeDelta(old, randomBytes(8192)),
      );
      expect(sent).toMatchObject({ status: 422, json: { error: { code: "CHUNK_HASH_MISMATCH" } } });
      expect(await ports.blockStore.exists(wrongKey)).toBe(false);
      const whole = await call(user, "PUT", `/v1/blocks/${wrongKey}`, undefined, randomBytes(100));
      expect(whole).toMatchObject({
        status: 422,
        json: { error: { code: "CHUNK_HASH_MISMATCH" } },
      });
    });

    it("answers a malformed delta with 400 and a DELTA_ code", async () => {
      const user = newUser();
      const old = randomBytes(4096);
      await put(user, old);
      const sent = await call(
        user,
        "PUT",
        `/v1/blocks/${sha(randomBytes(8))}/delta?base=${sha(old)}`,
        undefined,
        randomBytes(40),
      );
      expect(sent.status).toBe(400);
      expect(sent.json.error.code).toMatch(/^DELTA_/);
    });

    it("dedups across users only after a possession proof", async () => {
      const [alice, bob] = [newUser(), newUser()];
      const block = randomBytes(32 * 1024);
      await put(alice, block);
      await commit(alice, "/shared.pdf", [block], 0);
      const plan = await init(bob, "/copy.pdf", [block]);
      expect(plan.json.missing).toEqual([]);
      const [challenge] = plan.json.challenges as Challenge[];
      expect(challenge?.hash).toBe(sha(block));
      expect(await commit(bob, "/copy.pdf", [block], 0)).toMatchObject({
        status: 403,
        json: { error: { code: "POSSESSION_REQUIRED" } },
      });
      const wrong = { hash: sha(block), token: challenge?.token, proof: sha(randomBytes(4)) };
      expect(await commit(bob, "/copy.pdf", [block], 0, [wrong])).toMatchObject({
        status: 403,
        json: { error: { code: "POSSESSION_PROOF_INVALID" } },
      });
      const right = {
        hash: sha(block),
        token: challenge?.token,
        proof: answerChallenge(block, challenge?.nonce ?? ""),
      };
      expect(await commit(bob, "/copy.pdf", [block], 0, [right])).toEqual({
        status: 200,
        json: { version: 1 },
      });
      expect((await ports.metadataDb.getBlock(sha(block)))?.refCount).toBe(2);
    });

    it("naming a hash before its owner uploads it gains nothing: the commit still needs a proof", async () => {
      const [alice, mallory] = [newUser(), newUser()];
      const secret = randomBytes(4096);
      expect((await init(mallory, "/loot", [secret])).json.missing).toEqual([sha(secret)]);
      await put(alice, secret); // the owner uploads between mallory's upload-init and commit
      expect(await commit(mallory, "/loot", [secret], 0)).toMatchObject({
        status: 403,
        json: { error: { code: "POSSESSION_REQUIRED" } },
      });
      expect(await ports.metadataDb.ownedBlocks(mallory, [sha(secret)])).toEqual([]);
    });

    it("a challenge issued to one user is worthless to another", async () => {
      const [alice, bob, eve] = [newUser(), newUser(), newUser()];
      const block = randomBytes(4096);
      await put(alice, block);
      const [challenge] = (await init(bob, "/x", [block])).json.challenges as Challenge[];
      const proof = {
        hash: sha(block),
        token: challenge?.token,
        proof: answerChallenge(block, challenge?.nonce ?? ""),
      };
      expect(await commit(eve, "/x", [block], 0, [proof])).toMatchObject({
        status: 403,
        json: { error: { code: "POSSESSION_PROOF_INVALID" } },
      });
    });

    it("a stale baseVersion is a 409 with the current version, never an overwrite", async () => {
      const user = newUser();
      const [v1, v2] = [randomBytes(100), randomBytes(100)];
      await put(user, v1);
      await put(user, v2);
      await commit(user, "/c", [v1], 0);
      await commit(user, "/c", [v2], 1);
      expect(await commit(user, "/c", [v1], 1)).toMatchObject({
        status: 409,
        json: { error: { code: "VERSION_CONFLICT", currentVersion: 2 } },
      });
      expect((await ports.metadataDb.getFile(user, "/c"))?.blockHashes).toEqual([sha(v2)]);
    });

    it("refuses a commit naming a block never uploaded (409, nothing committed)", async () => {
      const user = newUser();
      const result = await commit(user, "/m", [randomBytes(10)], 0);
      expect(result).toMatchObject({
        status: 409,
        json: { error: { code: "COMMIT_BLOCKS_MISSING" } },
      });
      expect(await ports.metadataDb.getFile(user, "/m")).toBeUndefined();
    });

    it("refuses a body over 4 MiB with 413 and stores nothing", async () => {
      const big = randomBytes(4 * 1024 * 1024 + 1);
      const result = await put(newUser(), big);
      expect(result).toMatchObject({ status: 413, json: { error: { code: "BODY_TOO_LARGE" } } });
      expect(await ports.blockStore.exists(sha(big))).toBe(false);
    });

    it("scopes everything to the token's user: another user's blocks are no delta base", async () => {
      const [alice, mallory] = [newUser(), newUser()];
      const secret = randomBytes(4096);
      await put(alice, secret);
      const copy = encodeDelta(secret, secret);
      const stolen = await call(
        mallory,
        "PUT",
        `/v1/blocks/${sha(secret)}/delta?base=${sha(secret)}`,
        undefined,
        copy,
      );
      expect(stolen).toMatchObject({
        status: 403,
        json: { error: { code: "CHUNK_BASE_NOT_OWNED" } },
      });
      expect(await commit(mallory, "/loot", [secret], 0)).toMatchObject({ status: 403 });
    });

    it("rejects missing, forged and expired tokens with 401", async () => {
      const noAuth = await fetch(`${base}/v1/files/upload-init`, { method: "POST", body: "{}" });
      expect(noAuth.status).toBe(401);
      const forged = signJwt({ sub: "x", exp: Date.now() / 1000 + 60 }, "another-secret-0123456");
      const bad = await fetch(`${base}/v1/files/upload-init`, {
        method: "POST",
        headers: { authorization: `Bearer ${forged}` },
        body: "{}",
      });
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("AUTH_INVALID");
      const old = await fetch(`${base}/v1/files/upload-init`, {
        method: "POST",
        headers: { authorization: `Bearer ${token("x", 1)}` },
        body: "{}",
      });
      expect(((await old.json()) as { error: { code: string } }).error.code).toBe("AUTH_EXPIRED");
    });

    it("reports every invalid field of a request at once (400)", async () => {
      const result = await call(newUser(), "POST", "/v1/files/upload-init", {
        path: "no-slash",
        size: -1,
        blockHashes: ["zz"],
        extra: 1,
      });
      expect(result.status).toBe(400);
      for (const field of ["path", "size", "blockHashes.0", "extra"])
        expect(result.json.error.message).toContain(field);
    });
  });
}
