// Regression tests for the upload-path holes of issue 12, run over HTTP with the memory adapters
// (unit) and with Postgres, S3 and Kafka (integration): upload ids issued by upload-init and bound
// to their user and path (no other user's path or version leaks, no event id on two shards),
// concurrent retries of one commit replayed, a commit's size checked against its blocks, tokens
// with an absurd expiry or a NUL in the user id, each asserted on status and error code.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiLimits } from "../../core/limits.ts";
import { signJwt } from "../../runtime/jwt.ts";
import type { ChunkServicePorts } from "./ports.ts";
import { createChunkServer } from "./routes.ts";

const jwtSecret = "test-secret-0123456789";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Answer = { status: number; text: string; json: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The suite's tests need users on one shard and on two: the caller passes the shard mapping
 * (stores/metadata-db/shard-router.ts), which a service module may not import.
 */
export function chunkServiceSecuritySuite(
  name: string,
  openPorts: () => Promise<ChunkServicePorts>,
  shardIndexOf: (userId: string) => number,
): void {
  /** A user name whose shard is (or is not) `shardIndex`. */
  const userOn = (shardIndex: number, same: boolean): string => {
    for (;;) {
      const user = `sec-${randomUUID().slice(0, 8)}`;
      if ((shardIndexOf(user) === shardIndex) === same) return user;
    }
  };

  describe(`ChunkService upload-path security (${name})`, () => {
    let base = "";
    let ports: ChunkServicePorts;
    let close = async () => undefined as void;
    beforeAll(async () => {
      ports = await openPorts();
      const server = createChunkServer({
        ports,
        log: () => undefined,
        onCommitted: () => undefined,
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

    const send = async (
      bearer: string,
      method: string,
      path: string,
      body?: unknown,
      raw?: Uint8Array,
    ): Promise<Answer> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          "content-type": raw ? "application/octet-stream" : "application/json",
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      return { status: response.status, text, json: JSON.parse(text) as Answer["json"] };
    };
    const call = (user: string, method: string, path: string, body?: unknown, raw?: Uint8Array) =>
      send(
        signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, jwtSecret),
        method,
        path,
        body,
        raw,
      );
    const file = (path: string, blocks: Uint8Array[]) => ({
      path,
      size: blocks.reduce((n, b) => n + b.length, 0),
      blockHashes: blocks.map(sha),
    });
    const init = async (user: string, path: string, blocks: Uint8Array[]) =>
      (await call(user, "POST", "/v1/files/upload-init", file(path, blocks))).json
        .uploadId as string;
    const commit = (
      user: string,
      uploadId: string,
      path: string,
      blocks: Uint8Array[],
      baseVersion = 0,
      size?: number,
    ) =>
      call(user, "POST", "/v1/files/commit", {
        uploadId,
        ...file(path, blocks),
        baseVersion,
        ...(size === undefined ? {} : { size }),
      });
    const stored = async (user: string, bytes = 4096) => {
      const block = randomBytes(bytes);
      expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(
        201,
      );
      return block;
    };

    it("refuses an uploadId that upload-init did not issue (403), nothing committed", async () => {
      const user = userOn(0, false);
      const block = await stored(user);
      expect(await commit(user, randomUUID(), "/made-up", [block])).toMatchObject({
        status: 403,
        json: { error: { code: "UPLOAD_ID_INVALID" } },
      });
      expect(await ports.metadataDb.getFile(user, "/made-up")).toBeUndefined();
    });

    it("another user's uploadId on the same shard is refused without naming that user's path or version", async () => {
      const alice = userOn(7, true);
      const mallory = userOn(7, true);
      const secretPath = `/alice-${randomUUID()}.txt`;
      const block = await stored(alice);
      const uploadId = await init(alice, secretPath, [block]);
      expect((await commit(alice, uploadId, secretPath, [block])).status).toBe(200);
      const own = await stored(mallory);
      for (const path of [secretPath, "/mine.txt"]) {
        const answer = await commit(mallory, uploadId, path, [own]);
        expect(answer).toMatchObject({
          status: 403,
          json: { error: { code: "UPLOAD_ID_INVALID" } },
        });
        expect(answer.text).not.toContain(secretPath.slice(1, 20));
      }
      expect(await ports.metadataDb.getFile(mallory, "/mine.txt")).toBeUndefined();
    });

    it("an uploadId issued for one path does not commit another", async () => {
      const user = userOn(3, false);
      const block = await stored(user);
      const uploadId = await init(user, "/one", [block]);
      expect(await commit(user, uploadId, "/two", [block])).toMatchObject({
        status: 403,
        json: { error: { code: "UPLOAD_ID_INVALID" } },
      });
      expect(await commit(user, uploadId, "/one", [block])).toMatchObject({
        status: 200,
        json: { version: 1 },
      });
    });

    it("two users on different shards never publish one event id", async () => {
      const alice = userOn(11, true);
      const bob = userOn(11, false);
      const [a, b] = [await stored(alice), await stored(bob)];
      const uploadId = await init(alice, "/same", [a]);
      expect((await commit(alice, uploadId, "/same", [a])).status).toBe(200);
      expect((await commit(bob, uploadId, "/same", [b])).status).toBe(403);
      const rows = [
        ...(await ports.metadataDb.readOutbox(shardIndexOf(alice), 10_000)),
        ...(await ports.metadataDb.readOutbox(shardIndexOf(bob), 10_000)),
      ];
      expect(rows.filter((r) => r.event.eventId === uploadId).map((r) => r.event.userId)).toEqual([
        alice,
      ]);
    });

    it("concurrent retries of one commit all get its result, never a version conflict", async () => {
      const user = userOn(0, false);
      const block = await stored(user);
      const uploadId = await init(user, "/retried", [block]);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => commit(user, uploadId, "/retried", [block])),
      );
      expect(answers.map((a) => ({ status: a.status, json: a.json }))).toEqual(
        Array.from({ length: 5 }, () => ({ status: 200, json: { version: 1 } })),
      );
      expect((await ports.metadataDb.getFile(user, "/retried"))?.version).toBe(1);
    });

    it("refuses a commit whose size differs from its blocks' bytes (400), and one past the file size limit", async () => {
      const user = userOn(0, false);
      const blocks = [await stored(user, 5000), await stored(user, 300)];
      const uploadId = await init(user, "/sized", blocks);
      for (const size of [5299, 5301, 0, Number.MAX_SAFE_INTEGER, apiLimits.fileSizeBytesMax]) {
        expect(await commit(user, uploadId, "/sized", blocks, 0, size)).toMatchObject({
          status: 400,
          json: {
            error: {
              code: size > apiLimits.fileSizeBytesMax ? "REQUEST_INVALID" : "COMMIT_SIZE_MISMATCH",
            },
          },
        });
      }
      expect(await ports.metadataDb.getFile(user, "/sized")).toBeUndefined();
      expect(await commit(user, uploadId, "/sized", blocks, 0, 5300)).toMatchObject({
        status: 200,
        json: { version: 1 },
      });
    });

    it("refuses tokens with an expiry of 1e400, no expiry, or a NUL in the user id (401, never 500)", async () => {
      const part = (text: string) => Buffer.from(text).toString("base64url");
      const raw = (claims: string) => {
        const head = `${part('{"alg":"HS256","typ":"JWT"}')}.${part(claims)}`;
        return `${head}.${createHmac("sha256", jwtSecret).update(head).digest("base64url")}`;
      };
      const exp = Math.floor(Date.now() / 1000) + 600;
      for (const claims of [
        '{"sub":"forever","exp":1e400}',
        '{"sub":"noexp"}',
        `{"sub":"nul\\u0000user","exp":${exp}}`,
      ]) {
        const answer = await send(raw(claims), "POST", "/v1/files/upload-init", {
          path: "/x",
          size: 0,
          blockHashes: [],
        });
        expect({ claims, status: answer.status, code: answer.json.error?.code }).toEqual({
          claims,
          status: 401,
          code: "AUTH_INVALID",
        });
        expect(answer.text).not.toContain("undefined");
      }
    });
  });
}
