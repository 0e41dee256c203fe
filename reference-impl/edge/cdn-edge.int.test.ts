// The CDN edge never serves a block, from its cache or from the origin, to a request without a
// valid signature: one presigned GET warms the cache, then plain, garbage-signed, expired and
// other-key-signed requests for the same block are refused while the signed one still hits.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { stackEndpoints } from "../stack/stack.test-env.ts";
import { runId, sha256Hex } from "../stores/contract/contract-helpers.ts";
import { S3BlockStore } from "../stores/block-store/block-store.s3.ts";
import { presignGet } from "./sigv4-presign.test-helper.ts";

const endpoints = stackEndpoints();
const { s3 } = endpoints;
const keyPrefix = `edge-${runId}/`;
const store = new S3BlockStore({ ...s3, keyPrefix });
const stored: string[] = [];

async function putBlock(): Promise<{ hash: string; path: string }> {
  const block = randomBytes(64 * 1024);
  const hash = sha256Hex(block);
  await store.put(hash, block);
  stored.push(hash);
  return { hash, path: `/${s3.bucket}/${keyPrefix}${hash}` };
}

const sign = (path: string, signedAtMs = Date.now(), expiresS = 300) =>
  presignGet({ ...s3, s3Url: s3.url, path, signedAtMs, expiresS });

async function get(pathAndQuery: string): Promise<{ status: number; cache: string | null; bytes: number }> {
  const response = await fetch(`${endpoints.cdnUrl}${pathAndQuery}`);
  const body = await response.arrayBuffer();
  return { status: response.status, cache: response.headers.get("x-cache-status"), bytes: body.byteLength };
}

afterAll(async () => {
  for (const hash of stored) await store.delete(hash);
  await store.close();
});

describe("CDN edge authorisation", () => {
  it("serves a cached block only to requests with a valid signature for that block", async () => {
    const { path } = await putBlock();
    const signed = sign(path);
    expect(await get(signed)).toMatchObject({ status: 200, bytes: 64 * 1024 });
    expect(await get(signed)).toMatchObject({ status: 200, cache: "HIT", bytes: 64 * 1024 });
    const other = await putBlock();
    const forged = [
      path, // no signature at all
      `${path}?X-Amz-Signature=${"0".repeat(64)}`,
      signed.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"1".repeat(64)}`),
      sign(path, Date.now() - 3600_000, 60), // expired an hour ago
      `${path}?${sign(other.path).split("?")[1]}`, // signed for another block
    ];
    for (const request of forged) {
      const answer = await get(request);
      expect({ request, status: answer.status, served: answer.bytes === 64 * 1024 })
        .toEqual({ request, status: 403, served: false });
    }
    expect(await get(signed)).toMatchObject({ status: 200, cache: "HIT" });
  });
});
