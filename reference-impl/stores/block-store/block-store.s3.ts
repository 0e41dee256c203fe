// BlockStore on an S3-compatible server (versitygw, s3rver, LocalStack, AWS S3) with the AWS SDK
// v3. Checksums are computed only when required: with the SDK's newer defaults a stream body goes
// aws-chunked and some servers store the framing as data (a 4 MiB block came back 4,194,360 bytes).
// Bodies are sent as buffers with Content-Length, and every put is verified against its key first.
// The upload path's cost per block is kept near the bare cost of a GET and a PUT (issue 18): one
// keep-alive agent of our own (the SDK's default 100-continue for bodies over 1 MiB made each PUT
// wait a round trip on a fresh, non-reused connection), the key given as the signature's payload
// hash (it is the content's SHA-256, so the signer's own pass over 4 MiB is skipped), a create
// with If-None-Match: * where the server honours it (no HEAD before each PUT; a probe at the
// first put finds out), and a GET read straight into one buffer of the object's length.
import { Agent } from "node:http";
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
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { SyncbenchError } from "../../core/errors.ts";
import { Readable } from "node:stream";
import {
  deleteManyKeysMax,
  listKeysMax,
  type BlockReader,
  type BlockStore,
  type StoredObject,
} from "./block-store.port.ts";
import {
  checkBlock,
  checkKey,
  checkKeys,
  checkListRequest,
  checkSize,
} from "./block-store.validate.ts";

export interface S3BlockStoreConfig {
  readonly url: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  /** Key prefix, so that tests can use a namespace of their own in a shared bucket. */
  readonly keyPrefix?: string;
  readonly requestTimeoutMs?: number;
  /**
   * Whether a PUT with If-None-Match: * is refused (412) when the key exists. Undefined: probed
   * once at the first put (versitygw and AWS honour it; s3rver ignores it and would overwrite).
   */
  readonly conditionalPut?: boolean;
  /** Connections kept open to the S3 server (each carries one request at a time). */
  readonly socketsMax?: number;
}

export interface BlockPutOptions {
  /**
   * The caller has checked that the bytes hash to the key (the ChunkService's delta apply does,
   * against expectedSha256): put skips its own SHA-256 pass over the block.
   */
  readonly contentVerified?: boolean;
}

/** Requests waiting for a free connection to the S3 server, summed over origins. */
export function agentQueuedCount(agent: Agent): number {
  let queued = 0;
  for (const list of Object.values(agent.requests)) queued += list?.length ?? 0;
  return queued;
}

/** The connection broke while the request was written (the server closed it). */
function isConnectionReset(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE";
}

/** The S3 server refused a conditional PUT because the key exists (If-None-Match: *). */
function isPreconditionFailed(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || (error as Error).name === "PreconditionFailed";
}

/**
 * Reads a GET's body into one buffer of its declared length (no chunk list, no second copy): the
 * caller's when it is large enough, else a new one.
 */
async function readInto(
  body: Readable,
  lengthBytes: number | undefined,
  into: Uint8Array | undefined,
): Promise<Uint8Array> {
  if (lengthBytes === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  const out =
    into && into.byteLength >= lengthBytes
      ? Buffer.from(into.buffer, into.byteOffset, lengthBytes)
      : Buffer.allocUnsafe(lengthBytes);
  let offset = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    if (offset + bytes.length > lengthBytes) {
      body.destroy();
      throw new SyncbenchError(
        "BLOCK_STORED_CORRUPT",
        `the S3 server sent more than the ${lengthBytes} bytes it declared; nothing was used`,
      );
    }
    bytes.copy(out, offset);
    offset += bytes.length;
  }
  if (offset !== lengthBytes) {
    throw new SyncbenchError(
      "STORE_UNAVAILABLE",
      `the S3 server's body ended at ${offset} of its ${lengthBytes} bytes; nothing was used`,
      { hint: "retry with backoff" },
    );
  }
  return out;
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error instanceof NoSuchKey || error instanceof NotFound || status === 404;
}

export class S3BlockStore implements BlockStore {
  private readonly client: S3Client;
  /** The connections to the S3 server, kept alive; its queue is what waits for one. */
  readonly agent: Agent;
  private conditionalPut: Promise<boolean> | undefined;

  constructor(private readonly config: S3BlockStoreConfig) {
    const timeoutMs = config.requestTimeoutMs ?? 10_000;
    this.agent = new Agent({ keepAlive: true, maxSockets: config.socketsMax ?? 32 });
    if (config.conditionalPut !== undefined)
      this.conditionalPut = Promise.resolve(config.conditionalPut);
    this.client = new S3Client({
      endpoint: config.url,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // 100-continue would cost a round trip per PUT and, in the SDK's handler, a new
      // connection each time (it swaps in a non-keep-alive agent for such requests).
      expectContinueHeader: false,
      requestHandler: {
        httpAgent: this.agent,
        requestTimeout: timeoutMs,
        connectionTimeout: Math.min(timeoutMs, 3000),
      },
    });
  }

  private key(hash: string): string {
    return `${this.config.keyPrefix ?? ""}${hash}`;
  }

  async put(
    hash: string,
    bytes: Uint8Array,
    options: BlockPutOptions = {},
  ): Promise<{ created: boolean }> {
    if (options.contentVerified === true) checkSize(hash, bytes);
    else checkBlock(hash, bytes);
    if (await this.honoursIfNoneMatch()) {
      try {
        await this.send(this.putInput(hash, bytes), hash, true);
        return { created: true };
      } catch (error) {
        if (isPreconditionFailed(error)) {
          return this.existing(hash, bytes, (await this.storedLength(hash)) ?? bytes.byteLength);
        }
        // versitygw answers 412 before it reads the body and closes the connection, so a client
        // still writing 4 MiB sees a reset instead: the key decides whether that was the answer.
        if (!isConnectionReset(error)) throw error;
        const storedBytes = await this.storedLength(hash);
        if (storedBytes === undefined) throw error;
        return this.existing(hash, bytes, storedBytes);
      }
    }
    const storedBytes = await this.storedLength(hash);
    if (storedBytes !== undefined) return this.existing(hash, bytes, storedBytes);
    await this.send(this.putInput(hash, bytes), hash, false);
    return { created: true };
  }

  /** The key exists: the same length is the same block (the key is its hash), else corrupt. */
  private existing(hash: string, bytes: Uint8Array, storedBytes: number): { created: false } {
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
  private putInput(hash: string, bytes: Uint8Array): PutObjectCommandInput {
    return {
      Bucket: this.config.bucket,
      Key: this.key(hash),
      Body: bytes,
      ContentLength: bytes.byteLength,
      ContentType: "application/octet-stream",
      ChecksumSHA256: Buffer.from(hash, "hex").toString("base64"),
    };
  }

  /** One PUT, signed with the key as its payload hash (no SigV4 pass over the body). */
  private async send(input: PutObjectCommandInput, sha256: string, ifNoneMatch: boolean) {
    const command = new PutObjectCommand(ifNoneMatch ? { ...input, IfNoneMatch: "*" } : input);
    command.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers["x-amz-content-sha256"] = sha256;
        return next(args);
      },
      { step: "build", name: "syncbenchKnownPayloadHash" },
    );
    await this.client.send(command);
  }

  /**
   * Whether the server refuses a PUT with If-None-Match: * on an existing key: asked once, with
   * a probe object outside the block keys (written twice, then deleted).
   */
  private honoursIfNoneMatch(): Promise<boolean> {
    this.conditionalPut ??= this.probeIfNoneMatch().catch((error: unknown) => {
      this.conditionalPut = undefined; // a server that did not answer: ask again next time
      throw error;
    });
    return this.conditionalPut;
  }

  private async probeIfNoneMatch(): Promise<boolean> {
    const input = {
      Bucket: this.config.bucket,
      Key: `${this.config.keyPrefix ?? ""}probe/if-none-match-${process.pid}-${Date.now()}`,
      Body: Buffer.from("probe"),
    };
    await this.client.send(new PutObjectCommand(input));
    try {
      await this.client.send(new PutObjectCommand({ ...input, IfNoneMatch: "*" }));
      return false;
    } catch (error) {
      if (isPreconditionFailed(error)) return true;
      // Any other refusal (501 NotImplemented, 400): the server does not support it.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 600 && status !== 503) return false;
      throw error;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: input.Bucket, Key: input.Key }));
    }
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

  async get(
    hash: string,
    options: { readonly into?: Uint8Array } = {},
  ): Promise<Uint8Array | undefined> {
    checkKey(hash);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(hash) }),
      );
      if (!response.Body) return new Uint8Array();
      return await readInto(response.Body as Readable, response.ContentLength, options.into);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async openRead(hash: string): Promise<BlockReader | undefined> {
    checkKey(hash);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(hash) }),
      );
      // On Node the SDK's body is the HTTP response itself (an IncomingMessage): a Readable.
      const body = response.Body as Readable | undefined;
      return { sizeBytes: response.ContentLength ?? 0, body: body ?? Readable.from([]) };
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
    this.agent.destroy();
  }
}
