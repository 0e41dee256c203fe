// Presigned S3 GET URLs for blocks (@aws-sdk/s3-request-presigner): the download path that bypasses
// the CDN. The URL is signed with the stack's S3 credentials for one object and a short expiry;
// the DownloadService issues it only for a block of a version the user can read.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3BlockStoreConfig } from "./block-store.s3.ts";
import { checkKey } from "./block-store.validate.ts";

export class S3BlockPresigner {
  private readonly client: S3Client;

  constructor(private readonly config: S3BlockStoreConfig) {
    this.client = new S3Client({
      endpoint: config.url,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    });
  }

  presignGet(hash: string, expiresInS: number): Promise<string> {
    checkKey(hash);
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.config.bucket,
        Key: `${this.config.keyPrefix ?? ""}${hash}`,
      }),
      { expiresIn: expiresInS },
    );
  }
}
