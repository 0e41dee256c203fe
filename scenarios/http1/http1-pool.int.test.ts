// The driver's HTTP/1.1 pool against the real stack: nginx's own answers (the gateway's health
// check, a 404), the ChunkService's JSON through the gateway (401 without a token, upload-init,
// a 4 MiB block PUT), nginx's 413 for a body over client_max_body_size, and the CDN edge in front
// of the S3 server; every status must match what fetch() reports for the same request.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import { Http1Pool, type Http1Request } from "./http1-pool.ts";

const endpoints = stackEndpoints();
const secret = stackJwtSecret();
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const pools: Http1Pool[] = [];
afterAll(() => pools.forEach((p) => p.destroy()));

function newPool(url: string): Http1Pool {
  const pool = new Http1Pool(url, {
    connectionsMax: 2,
    queueMax: 10,
    connectTimeoutMs: 5_000,
    headersTimeoutMs: 30_000,
    bodyTimeoutMs: 30_000,
  });
  pools.push(pool);
  return pool;
}

function call(pool: Http1Pool, r: Partial<Http1Request>): Promise<number | string> {
  return new Promise((resolve) =>
    pool.request(
      { method: "GET", path: "/", headers: {}, ...r },
      {
        onResponse: resolve,
        onError: resolve,
      },
    ),
  );
}

async function fetchStatus(base: string, r: Partial<Http1Request>): Promise<number> {
  const response = await fetch(`${base}${r.path ?? "/"}`, {
    method: r.method ?? "GET",
    headers: r.headers ?? {},
    ...(r.body ? { body: r.body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("Http1Pool against the stack", () => {
  it("reads nginx's own answers and the CDN edge's, as fetch() does", async () => {
    const gateway = newPool(endpoints.gatewayUrl);
    expect(await call(gateway, { path: "/healthz" })).toBe(200);
    expect(await call(gateway, { path: "/no-such-route" })).toBe(404);
    const cdn = newPool(endpoints.cdnUrl);
    const block = { path: `/blocks/${"0".repeat(64)}` };
    const status = await call(cdn, block);
    expect(status).toBe(await fetchStatus(endpoints.cdnUrl, block));
    expect(await call(cdn, { path: "/healthz" })).toBe(200);
  });

  it.skipIf(!secret)("carries the ChunkService's JSON answers and a 4 MiB block", async () => {
    const user = `http1-${randomUUID().slice(0, 8)}`;
    const token = signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, secret ?? "");
    const pool = newPool(endpoints.gatewayUrl);
    const block = randomBytes(4 * 1024 * 1024);
    const json = { "content-type": "application/json" };
    const init = {
      method: "POST",
      path: "/v1/files/upload-init",
      body: Buffer.from(
        JSON.stringify({ path: "/a.bin", size: block.length, blockHashes: [sha(block)] }),
      ),
    };
    expect(await call(pool, { ...init, headers: json })).toBe(401);
    const auth = { ...json, authorization: `Bearer ${token}` };
    expect(await call(pool, { ...init, headers: auth })).toBe(200);
    const put = {
      method: "PUT",
      path: `/v1/blocks/${sha(block)}`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    };
    expect(await call(pool, { ...put, body: block })).toBe(201);
    const wrong = await call(pool, { ...put, body: block.subarray(1) });
    expect(wrong).toBe(
      await fetchStatus(endpoints.gatewayUrl, { ...put, body: block.subarray(1) }),
    );
    expect(wrong).toBeGreaterThanOrEqual(400);
    const tooBig = await call(pool, { ...put, body: randomBytes(6 * 1024 * 1024) });
    // nginx may answer 413 before reading the body and close, so the write can fail first.
    expect([413, "EPIPE", "ECONNRESET"]).toContain(tooBig);
    expect(await call(pool, { path: "/healthz" })).toBe(200);
  });
});
