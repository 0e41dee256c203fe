// BlockStore on an S3-compatible server (versitygw, s3rver, LocalStack, AWS S3) with the AWS SDK
// v3. Checksums are computed only when required: with the SDK's newer defaults a stream body goes
// aws-chunked and some servers store the framing as data (a 4 MiB block came back 4,194,360 bytes).
// Bodies are sent as buffers with Content-Length, and every put is verified against its key first.
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { SyncbenchError } from "../../core/errors.ts";
import {
  deleteManyKeysMax,
  listKeysMax,
  type BlockStore,
  type StoredObject,
} from "./block-store.port.ts";
import { checkBlock, checkKey, checkKeys, checkListRequest } from "./block-store.validate.ts";

export interface S3BlockStoreConfig {
  readonly url: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  /** Key prefix, so that tests can use a namespace of their own in a shared bucket. */
  readonly keyPrefix?: string;
  readonly requestTimeoutMs?: number;
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error instanceof NoSuchKey || error instanceof NotFound || status === 404;
}

export class S3BlockStore implements BlockStore {
  private readonly client: S3Client;

  constructor(private readonly config: S3BlockStoreConfig) {
    const timeoutMs = config.requestTimeoutMs ?? 10_000;
    this.client = new S3Client({
      endpoint: config.url,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 3000) },
    });
  }

  private key(hash: string): string {
    return `${this.config.keyPrefix ?? ""}${hash}`;
  }

  async put(hash: string, bytes: Uint8Array): Promise<{ created: boolean }> {
    checkBlock(hash, bytes);
    const storedBytes = await this.storedLength(hash);
    if (storedBytes !== undefined) {
      if (storedBytes !== bytes.byteLength) {
        throw new SyncbenchError(
          "BLOCK_STORED_CORRUPT",
          `block ${hash.slice(0, 12)}… is stored with ${storedBytes} bytes, ` +
            `its content has ${bytes.byteLength}; nothing was changed`,
          { hint: "run syncbench fsck" },
        );
      }
      return { created: false };
    }
    // The key is the content's SHA-256, so it is also the checksum the server verifies on receipt
    // (x-amz-checksum-sha256): a body damaged on the way is refused, not stored. Two writers racing
    // on one key write identical bytes.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.key(hash),
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: "application/octet-stream",
        ChecksumSHA256: Buffer.from(hash, "hex").toString("base64"),
      }),
    );
    return { created: true };
  }

  /** The stored object's length, or undefined when the key does not exist. */
  private async storedLength(hash: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.key(hash) }),
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async get(hash: string): Promise<Uint8Array | undefined> {
    checkKey(hash);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(hash) }),
      );
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(hash: string): Promise<boolean> {
    checkKey(hash);
    return (await this.storedLength(hash)) !== undefined;
  }

  async delete(hash: string): Promise<void> {
    checkKey(hash);
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(hash) }),
    );
  }

  /** One DeleteObjects request (quiet: only the keys the server refused come back). */
  async deleteMany(hashes: readonly string[]): Promise<void> {
    checkKeys(hashes, deleteManyKeysMax);
    if (hashes.length === 0) return;
    const response = await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.config.bucket,
        Delete: { Objects: hashes.map((h) => ({ Key: this.key(h) })), Quiet: true },
      }),
    );
    const refused = response.Errors ?? [];
    if (refused.length > 0) {
      throw new SyncbenchError(
        "STORE_UNAVAILABLE",
        `S3 refused to delete ${refused.length} of ${hashes.length} block(s), first ` +
          `${refused[0]?.Key}: ${refused[0]?.Code} ${refused[0]?.Message ?? ""}; the others were deleted`,
        { hint: "GC retries them in its next sweep" },
      );
    }
  }

  /** Keys directly under the prefix only ("/" delimits): test prefixes' keys are not listed. */
  async list(afterHash: string, limit: number): Promise<StoredObject[]> {
    checkListRequest(afterHash, limit, listKeysMax);
    const prefix = this.config.keyPrefix ?? "";
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.config.bucket,
        Prefix: prefix,
        Delimiter: "/",
        ...(afterHash === "" ? {} : { StartAfter: `${prefix}${afterHash}` }),
        MaxKeys: limit,
      }),
    );
    return (page.Contents ?? []).flatMap((o) => {
      const hash = (o.Key ?? "").slice(prefix.length);
      return /^[0-9a-f]{64}$/.test(hash)
        ? [{ hash, lastModifiedMs: o.LastModified?.getTime() ?? 0 }]
        : [];
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
