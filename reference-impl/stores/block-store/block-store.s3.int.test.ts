// Runs the BlockStore contract against the stack's real S3 server, under a key prefix unique to
// this run (emptied afterwards), and checks the object size the server reports for a 4 MiB block (the aws-chunked
// corruption shows up there first).
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blockSizeBytes } from "../../core/limits.ts";
import { stackEndpoints, stackImplementation } from "../../stack/stack.test-env.ts";
import { blockStoreContract } from "../contract/block-store.contract.ts";
import { sha256Hex } from "../contract/contract-helpers.ts";
import { useTestKeyPrefix } from "../contract/test-key-prefix.ts";
import { S3BlockStore } from "./block-store.s3.ts";

const { s3 } = stackEndpoints();
const keyPrefix = useTestKeyPrefix(s3, "contract");

blockStoreContract("s3", async () => new S3BlockStore({ ...s3, keyPrefix }));
// The same contract with the HEAD before each PUT, as on a server that ignores If-None-Match.
blockStoreContract(
  "s3, HEAD before PUT",
  async () => new S3BlockStore({ ...s3, keyPrefix, conditionalPut: false }),
);

describe("S3BlockStore on the real S3 server", () => {
  // s3rver (the npm-only fallback) stores such a body anyway; there fsck is what finds damage.
  it.skipIf(stackImplementation("s3") === "s3rver")(
    "the server refuses a body whose SHA-256 differs from the checksum sent with it",
    async () => {
      const client = new S3Client({
        endpoint: s3.url,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
      const body = randomBytes(1024);
      const wrong = sha256Hex(randomBytes(8));
      const put = client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${keyPrefix}${wrong}`,
          Body: body,
          ContentLength: body.length,
          ChecksumSHA256: Buffer.from(wrong, "hex").toString("base64"),
        }),
      );
      await expect(put).rejects.toThrow();
      client.destroy();
    },
  );

  it.skipIf(stackImplementation("s3") === "s3rver")(
    "versitygw honours If-None-Match: *, so a second put of a key sends no HEAD first",
    async () => {
      const store = new S3BlockStore({ ...s3, keyPrefix });
      const block = randomBytes(256);
      const hash = sha256Hex(block);
      expect(await store.put(hash, block)).toEqual({ created: true });
      // The 412 comes back (for a small body), and the stored length decides.
      expect(await store.put(hash, block)).toEqual({ created: false });
      // A 4 MiB body: versitygw answers 412 before reading it and closes the connection, which
      // the writer sees as a reset; the key's stored length decides here too.
      const big = randomBytes(blockSizeBytes);
      expect(await store.put(sha256Hex(big), big)).toEqual({ created: true });
      expect(await store.put(sha256Hex(big), big)).toEqual({ created: false });
      expect(await store.put(sha256Hex(big), big, { contentVerified: true })).toEqual({
        created: false,
      });
      await store.close();
    },
  );

  it("stores exactly 4,194,304 bytes for a 4 MiB block", async () => {
    const store = new S3BlockStore({ ...s3, keyPrefix });
    const block = randomBytes(blockSizeBytes);
    const hash = sha256Hex(block);
    await store.put(hash, block);
    await store.close();
    const client = new S3Client({
      endpoint: s3.url,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const head = await client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `${keyPrefix}${hash}` }),
    );
    client.destroy();
    expect(head.ContentLength).toBe(blockSizeBytes);
  });
});
