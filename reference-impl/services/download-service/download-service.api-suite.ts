// The DownloadService API suite, run over HTTP against a server on port 0 with the memory adapters
// (unit) and with Postgres and S3 (integration): block lists with signed URLs that fetch the right
// bytes, versions, keyset listings that hold under concurrent commits, and the authorisation rules
// (other users' files and blocks, expired and tampered URLs), each asserted on status and code.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signJwt } from "../../runtime/jwt.ts";
import { blockUrlQuery } from "./block-url.ts";
import type { DownloadServicePorts } from "./ports.ts";
import { createDownloadServer } from "./routes.ts";

const jwtSecret = "test-secret-0123456789";
const blockUrlKey = "block-url-key-0123456789";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function downloadServiceApiSuite(
  name: string,
  openPorts: () => Promise<DownloadServicePorts>,
): void {
  describe(`DownloadService API (${name})`, () => {
    let base = "";
    let ports: DownloadServicePorts;
    let close = async () => undefined as void;
    beforeAll(async () => {
      ports = await openPorts();
      // The block URLs point at the service itself (its origin path), as when no edge is in front.
      const server = createDownloadServer({
        ports,
        log: () => undefined,
        settings: {
          jwtSecret,
          blockUrlKey,
          blockUrlTtlS: 300,
          podId: "download-test",
          get cdnBaseUrl() {
            return base;
          },
        },
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      close = () => new Promise((resolve) => server.close(() => resolve()));
    });
    afterAll(() => close());

    const token = (user: string) =>
      signJwt({ sub: user, exp: Math.floor(ports.clock.nowMs() / 1000) + 600 }, jwtSecret);
    const get = async (user: string | undefined, path: string, init: RequestInit = {}) => {
      const response = await fetch(path.startsWith("http") ? path : `${base}${path}`, {
        ...init,
        headers: user === undefined ? {} : { authorization: `Bearer ${token(user)}` },
      });
      const type = response.headers.get("content-type") ?? "";
      const body = type.includes("json")
        ? ((await response.json()) as Json)
        : new Uint8Array(await response.arrayBuffer());
      return {
        status: response.status,
        json: body as Json,
        bytes: body as Uint8Array,
        headers: response.headers,
      };
    };
    const newUser = () => `user-${randomUUID().slice(0, 8)}`;
    /** Stores the blocks and commits them as the next version of the user's file. */
    const commit = async (
      user: string,
      path: string,
      blocks: Uint8Array[],
      baseVersion = 0,
      deleting = false,
    ) => {
      for (const block of blocks) {
        await ports.blockStore.put(sha(block), block);
        await ports.metadataDb.recordBlock({
          hash: sha(block),
          sizeBytes: block.byteLength,
          nowMs: ports.clock.nowMs(),
          graceMs: 1000,
        });
      }
      const result = await ports.metadataDb.commitVersion({
        userId: user,
        path,
        blockHashes: blocks.map(sha),
        sizeBytes: blocks.reduce((n, b) => n + b.byteLength, 0),
        baseVersion,
        eventId: randomUUID(),
        nowMs: ports.clock.nowMs(),
        changeType: deleting ? "delete" : baseVersion === 0 ? "create" : "update",
      });
      expect(result.ok).toBe(true);
    };
    const content = (user: string, path: string, extra = "") =>
      get(user, `/v1/files/content?path=${encodeURIComponent(path)}${extra}`);

    it("serves a version's ordered block list, each URL fetching exactly that block", async () => {
      const user = newUser();
      const blocks: Buffer[] = [randomBytes(70_000), randomBytes(1000), randomBytes(70_000)];
      blocks[2] = blocks[0] as Buffer; // a repeated block is listed twice, at both offsets
      await commit(user, "/docs/a.bin", blocks);
      const answer = await content(user, "/docs/a.bin");
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-served-by")).toBe("download-service download-test");
      expect(answer.json).toMatchObject({
        path: "/docs/a.bin",
        version: 1,
        sizeBytes: 141_000,
        via: "cdn",
      });
      expect(answer.json.blocks.map((b: Json) => [b.hash, b.sizeBytes, b.offsetBytes])).toEqual([
        [sha(blocks[0] as Buffer), 70_000, 0],
        [sha(blocks[1] as Buffer), 1000, 70_000],
        [sha(blocks[0] as Buffer), 70_000, 71_000],
      ]);
      for (const [index, entry] of (answer.json.blocks as Json[]).entries()) {
        const block = await get(undefined, entry.url as string);
        expect(block.status).toBe(200);
        expect(Buffer.from(block.bytes).equals(blocks[index] as Buffer)).toBe(true);
        expect(block.headers.get("etag")).toBe(`"${entry.hash}"`);
        expect(block.headers.get("cache-control")).toContain("immutable");
      }
    });

    it("serves an earlier version by number, refuses a deleted file's latest and an unknown version", async () => {
      const user = newUser();
      const [v1, v2] = [randomBytes(500), randomBytes(600)];
      await commit(user, "/h.txt", [v1]);
      await commit(user, "/h.txt", [v2], 1);
      await commit(user, "/h.txt", [], 2, true);
      expect(
        (await content(user, "/h.txt", "&version=1")).json.blocks.map((b: Json) => b.hash),
      ).toEqual([sha(v1)]);
      expect((await content(user, "/h.txt", "&version=2")).json).toMatchObject({
        version: 2,
        sizeBytes: 600,
      });
      expect((await content(user, "/h.txt")).json.error.code).toBe("FILE_DELETED");
      expect((await content(user, "/h.txt", "&version=9")).status).toBe(404);
      const history = await get(user, "/v1/files/versions?path=%2Fh.txt");
      expect(
        history.json.versions.map((v: Json) => [v.version, v.changeType, v.blockCount]),
      ).toEqual([
        [3, "delete", 0],
        [2, "update", 1],
        [1, "create", 1],
      ]);
    });

    it("shows a user only their own rows: another user's path is a 404, their listing empty", async () => {
      const [owner, other] = [newUser(), newUser()];
      await commit(owner, "/secret.txt", [randomBytes(300)]);
      expect((await content(other, "/secret.txt")).json.error.code).toBe("NOT_FOUND");
      expect((await get(other, "/v1/files/versions?path=%2Fsecret.txt")).status).toBe(404);
      expect((await get(other, "/v1/files")).json).toEqual({ files: [], nextCursor: null });
    });

    it("refuses a block by hash without a URL signed for the user, a tampered and an expired URL", async () => {
      const [owner, other] = [newUser(), newUser()];
      const block = randomBytes(800);
      await commit(owner, "/b.bin", [block]);
      const url = new URL((await content(owner, "/b.bin")).json.blocks[0].url as string);
      // By hash with the other user's own token: no signed URL, no bytes.
      const byHash = await get(other, `/v1/blocks/${sha(block)}`);
      expect([byHash.status, byHash.json.error.code]).toEqual([403, "BLOCK_URL_INVALID"]);
      // The owner's URL rewritten to name the other user; one signature character changed.
      const renamed = new URL(url);
      renamed.searchParams.set("u", other);
      expect((await get(other, renamed.href)).json.error.code).toBe("BLOCK_URL_INVALID");
      const tampered = new URL(url);
      const s = tampered.searchParams.get("s") as string;
      tampered.searchParams.set("s", `${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`);
      expect((await get(other, tampered.href)).status).toBe(403);
      // Validly signed but expired; and validly signed but valid for longer than the edge allows.
      const nowS = Math.floor(ports.clock.nowMs() / 1000);
      const expired = await get(
        undefined,
        `/v1/blocks/${sha(block)}?${blockUrlQuery(blockUrlKey, { hash: sha(block), userId: owner, expiresAtS: nowS - 1 })}`,
      );
      expect([expired.status, expired.json.error.code]).toEqual([403, "BLOCK_URL_EXPIRED"]);
      const tooLong = await get(
        undefined,
        `/v1/blocks/${sha(block)}?${blockUrlQuery(blockUrlKey, { hash: sha(block), userId: owner, expiresAtS: nowS + 86_400 })}`,
      );
      expect(tooLong.json.error.code).toBe("BLOCK_URL_INVALID");
      // A URL signed for one block does not open another.
      const swapped = `${base}/v1/blocks/${sha(randomBytes(10))}${url.search}`;
      expect((await get(undefined, swapped)).status).toBe(403);
      expect((await get(undefined, url.href)).status).toBe(200);
    });

    it("pages a listing by keyset cursor under a prefix, no row skipped or repeated while files change", async () => {
      const user = newUser();
      for (const n of [1, 2, 3, 4, 5, 6, 7]) await commit(user, `/p/f${n}`, []);
      await commit(user, "/q/other", []);
      const first = await get(user, "/v1/files?prefix=%2Fp%2F&limit=3");
      expect(first.json.files.map((f: Json) => f.path)).toEqual(["/p/f1", "/p/f2", "/p/f3"]);
      await Promise.all([
        commit(user, "/p/f0", []),
        commit(user, "/p/f35", []),
        commit(user, "/p/f2", [], 1),
      ]);
      const seen = [...first.json.files];
      let cursor = first.json.nextCursor as string | null;
      while (cursor !== null) {
        const page = await get(user, `/v1/files?prefix=%2Fp%2F&limit=3&cursor=${cursor}`);
        expect(page.status).toBe(200);
        seen.push(...page.json.files);
        cursor = page.json.nextCursor as string | null;
      }
      expect(seen.map((f: Json) => f.path)).toEqual([
        "/p/f1",
        "/p/f2",
        "/p/f3",
        "/p/f35",
        "/p/f4",
        "/p/f5",
        "/p/f6",
        "/p/f7",
      ]);
    });

    it("refuses bad queries with every problem named: limit, cursor, unknown parameter, path", async () => {
      const user = newUser();
      const tooMany = await get(user, "/v1/files?limit=1001&colour=red");
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.error.message).toMatch(/limit: must be 1\.\.1000.*colour|colour.*limit/s);
      expect((await get(user, "/v1/files?cursor=bm90LWEtY3Vyc29y")).json.error.code).toBe(
        "CURSOR_INVALID",
      );
      expect((await content(user, "relative.txt")).json.error.code).toBe("REQUEST_INVALID");
      expect((await get(user, "/v1/files/content?path=%2Fa&path=%2Fb")).status).toBe(400);
      expect((await get(undefined, "/v1/files")).status).toBe(401);
      expect((await get(user, "/v1/files", { method: "DELETE" })).status).toBe(405);
    });

    it("answers the edge's auth subrequest with a presigned S3 path for that block, only when the URL verifies", async () => {
      const user = newUser();
      const block = randomBytes(700);
      await commit(user, "/edge.bin", [block]);
      const url = new URL((await content(user, "/edge.bin")).json.blocks[0].url as string);
      const grant = (originalUri: string) =>
        fetch(`${base}/internal/block-grant`, { headers: { "x-original-uri": originalUri } });
      const granted = await grant(`${url.pathname}${url.search}`);
      const originPath = granted.headers.get("x-origin-path") ?? "";
      expect([granted.status, originPath.includes(sha(block))]).toEqual([204, true]);
      const presigned = await ports.presigner!.presignGet(sha(block), 60);
      if (presigned.startsWith("http")) {
        // the real presigner: the edge's miss fetch, S3 origin + that path, serves the block
        const fetched = await fetch(`${new URL(presigned).origin}${originPath}`);
        expect(fetched.status).toBe(200);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(block)).toBe(true);
      }
      const tampered = new URL(url);
      tampered.searchParams.set("u", newUser());
      const refused = await grant(`${tampered.pathname}${tampered.search}`);
      expect([refused.status, refused.headers.get("x-origin-path")]).toEqual([403, null]);
    });

    it("issues presigned S3 URLs with via=s3, for the user's own blocks only", async () => {
      const user = newUser();
      const block = randomBytes(900);
      await commit(user, "/s3.bin", [block]);
      const answer = await content(user, "/s3.bin", "&via=s3");
      expect(answer.json.via).toBe("s3");
      const url = answer.json.blocks[0].url as string;
      expect(url).toContain(sha(block));
      if (url.startsWith("http")) {
        // the real presigner: the S3 server serves the block on it
        const fetched = await fetch(url);
        expect(fetched.status).toBe(200);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(block)).toBe(true);
      }
      expect((await content(newUser(), "/s3.bin", "&via=s3")).status).toBe(404);
    });
  });
}
