// The download path end to end through the gateway and the CDN edge, on the native stack (it runs
// the ChunkServices and DownloadServices behind nginx): which pool serves each route; signed block
// URLs that warm the edge's cache for every holder of a block (the cache key is the hash alone);
// and the edge never serves a block, from its cache or from its origin, to a request without a
// valid signature for its user (none, tampered, another user's, expired, another block's), while
// the signed one still hits. Also range requests, ETag and Cache-Control on cached blocks.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signJwt } from "../runtime/jwt.ts";
import { blockUrlQuery } from "../services/download-service/block-url.ts";
import { NativeProvider } from "../stack/native/native-provider.ts";
import { loadStackConfig } from "../stack/stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "../stack/stack.test-env.ts";

const secret = stackJwtSecret();
const endpoints = stackEndpoints();
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(user: string, method: string, path: string, body?: unknown, raw?: Uint8Array) {
  const token = signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, secret ?? "");
  const response = await fetch(`${endpoints.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": raw ? "application/octet-stream" : "application/json",
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text.startsWith("{") ? JSON.parse(text) : { text }) as Json,
  };
}

/** Uploads the blocks (each user uploads its own copy, so each holds them) and commits version 1. */
async function store(user: string, path: string, blocks: Uint8Array[]): Promise<void> {
  const file = {
    path,
    size: blocks.reduce((n, b) => n + b.length, 0),
    blockHashes: blocks.map(sha),
  };
  const init = await call(user, "POST", "/v1/files/upload-init", file);
  for (const block of blocks)
    expect(
      (await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status,
    ).toBeLessThan(300);
  expect(
    (
      await call(user, "POST", "/v1/files/commit", {
        uploadId: init.json.uploadId,
        ...file,
        baseVersion: 0,
      })
    ).status,
  ).toBe(200);
}

async function edge(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    cache: response.headers.get("x-cache"),
    etag: response.headers.get("etag"),
    origin: response.headers.get("x-edge-origin"),
    cacheControl: response.headers.get("cache-control"),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

if (!secret)
  process.stdout.write(
    "[cdn-edge] download path tests skipped: the stack's provider starts no services\n",
  );

describe.skipIf(!secret)("download path through the gateway and the CDN edge", () => {
  const config = loadStackConfig(process.env).native;
  const poolOf = (headers: Headers) => {
    const port = Number(
      (headers.get("x-upstream-addr") ?? "").split(",").pop()?.trim().split(":")[1],
    );
    const within = (base: number, count: number) => port >= base && port < base + count;
    return within(config.ports.chunkServiceBase, 16)
      ? "upload"
      : within(config.ports.downloadServiceBase, 16)
        ? "download"
        : `port ${port}`;
  };

  it("routes reads to the download pool and writes to the upload pool", async () => {
    const user = `route-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(1024);
    await store(user, "/r.bin", [block]);
    const served = async (method: string, path: string, raw?: Uint8Array) =>
      poolOf((await call(user, method, path, undefined, raw)).headers);
    expect({
      content: await served("GET", "/v1/files/content?path=%2Fr.bin"),
      listing: await served("GET", "/v1/files?limit=10"),
      versions: await served("GET", "/v1/files/versions?path=%2Fr.bin"),
      blockRead: await served("GET", `/v1/blocks/${sha(block)}`),
      blockWrite: await served("PUT", `/v1/blocks/${sha(block)}`, block),
      uploadInit: poolOf(
        (
          await call(user, "POST", "/v1/files/upload-init", {
            path: "/x",
            size: 0,
            blockHashes: [],
          })
        ).headers,
      ),
    }).toEqual({
      content: "download",
      listing: "download",
      versions: "download",
      blockRead: "download",
      blockWrite: "upload",
      uploadInit: "upload",
    });
    expect((await call(user, "GET", "/v1/files?limit=10")).headers.get("x-served-by")).toMatch(
      /^download-service download-service-\d+$/,
    );
  });

  it("one holder's fetch warms the edge for another; no valid signature for the user, no bytes, cached or not", async () => {
    const [alice, bob, carol] = ["alice", "bob", "carol"].map(
      (n) => `${n}-${randomUUID().slice(0, 8)}`,
    ) as [string, string, string];
    const block = randomBytes(256 * 1024);
    const hash = sha(block);
    await store(alice, "/shared.bin", [block]);
    await store(bob, "/mine-too.bin", [block]);
    const urlOf = async (user: string, path: string) => {
      const content = await call(user, "GET", `/v1/files/content?path=${encodeURIComponent(path)}`);
      expect(content.json.blocks[0].url).toMatch(
        new RegExp(`^${endpoints.cdnUrl}/v1/blocks/${hash}\\?`),
      );
      return content.json.blocks[0].url as string;
    };
    const aliceUrl = await urlOf(alice, "/shared.bin");
    const first = await edge(aliceUrl);
    // The miss came straight from S3 on the auth subrequest's presigned path, not through Node.
    expect({
      status: first.status,
      cache: first.cache,
      origin: first.origin,
      etag: first.etag,
      same: first.bytes.equals(block),
    }).toEqual({ status: 200, cache: "MISS", origin: "s3_origin", etag: `"${hash}"`, same: true });
    const bobs = await edge(await urlOf(bob, "/mine-too.bin"));
    expect({
      status: bobs.status,
      cache: bobs.cache,
      etag: bobs.etag,
      origin: bobs.origin,
      same: bobs.bytes.equals(block),
    }).toEqual({ status: 200, cache: "HIT", etag: `"${hash}"`, origin: null, same: true });
    expect(bobs.cacheControl).toContain("immutable");
    const range = await edge(aliceUrl, { range: "bytes=1000-1999" });
    expect({ status: range.status, same: range.bytes.equals(block.subarray(1000, 2000)) }).toEqual({
      status: 206,
      same: true,
    });

    // Carol holds no version naming the block: she gets no URL, and no borrowed or forged one works.
    expect((await call(carol, "GET", "/v1/files/content?path=%2Fshared.bin")).status).toBe(404);
    const url = new URL(aliceUrl);
    const withParam = (name: string, value: string) => {
      const u = new URL(url);
      u.searchParams.set(name, value);
      return u.href;
    };
    const key = new NativeProvider(config).secrets().blockUrlKey ?? "";
    const nowS = Math.floor(Date.now() / 1000);
    const other = randomBytes(32);
    const forged = {
      bare: `${endpoints.cdnUrl}/v1/blocks/${hash}`,
      renamed: withParam("u", carol),
      tampered: withParam("s", `${"A".repeat(43)}`),
      expired: `${endpoints.cdnUrl}/v1/blocks/${hash}?${blockUrlQuery(key, { hash, userId: alice, expiresAtS: nowS - 1 })}`,
      otherBlock: `${endpoints.cdnUrl}/v1/blocks/${hash}?${blockUrlQuery(key, { hash: sha(other), userId: alice, expiresAtS: nowS + 60 })}`,
      wrongKey: `${endpoints.cdnUrl}/v1/blocks/${hash}?${blockUrlQuery("not-the-stack-key-0123", { hash, userId: carol, expiresAtS: nowS + 60 })}`,
    };
    for (const [name, request] of Object.entries(forged)) {
      const answer = await edge(request);
      expect({ name, status: answer.status, served: answer.bytes.length === block.length }).toEqual(
        { name, status: 403, served: false },
      );
    }
    expect(await edge(aliceUrl)).toMatchObject({ status: 200, cache: "HIT" });
  });

  it("serves presigned S3 URLs with via=s3 that fetch the block from the S3 server", async () => {
    const user = `s3-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(4096);
    await store(user, "/direct.bin", [block]);
    const content = await call(user, "GET", "/v1/files/content?path=%2Fdirect.bin&via=s3");
    expect(content.json.via).toBe("s3");
    const fetched = await fetch(content.json.blocks[0].url as string);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(block)).toBe(true);
  });
});
