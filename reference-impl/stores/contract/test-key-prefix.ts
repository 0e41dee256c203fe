// A key prefix of its own in the stack's bucket for one integration test file, and every object
// under it deleted after the file's tests (as test-database.ts drops its database), so test runs
// leave nothing behind in a bucket the user keeps.
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll } from "vitest";
import type { S3Endpoint } from "../../stack/endpoints.ts";
import { uniqueName } from "./contract-helpers.ts";

/** Objects listed and deleted per request (S3's DeleteObjects takes at most 1,000 keys). */
const keysPerBatchMax = 1000;

/** Deletes every object whose key starts with `prefix`; returns how many it deleted. */
export async function deleteKeysUnder(s3: S3Endpoint, prefix: string): Promise<number> {
  const client = new S3Client({
    endpoint: s3.url,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  let deleted = 0;
  try {
    for (;;) {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, MaxKeys: keysPerBatchMax }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return deleted;
      await client.send(
        new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      deleted += keys.length;
    }
  } finally {
    client.destroy();
  }
}

/** A prefix unique to this run and file (ending in "/"), emptied after the file's tests. */
export function useTestKeyPrefix(s3: S3Endpoint, label: string): string {
  const prefix = `${uniqueName(label)}/`;
  afterAll(async () => {
    await deleteKeysUnder(s3, prefix);
  });
  return prefix;
}
