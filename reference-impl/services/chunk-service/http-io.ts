// HTTP plumbing of the ChunkService: bounded body reads and the one place that maps error codes to
// statuses. A body over its limit is not buffered but read to its end and dropped before the 413
// goes out, so the gateway (which streams bodies: proxy_request_buffering off) sees a clean answer
// on a reusable connection rather than a reset that would count against the server.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SyncbenchError } from "../../core/errors.ts";
import { apiLimits } from "../../core/limits.ts";

const statusByCode: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400,
  DELTA_INVALID: 400,
  BLOCK_KEY_INVALID: 400,
  METADATA_INPUT_INVALID: 400,
  COMMIT_SIZE_MISMATCH: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  POSSESSION_REQUIRED: 403,
  POSSESSION_PROOF_INVALID: 403,
  CHUNK_BASE_NOT_OWNED: 403,
  UPLOAD_ID_INVALID: 403,
  NOT_FOUND: 404,
  CHUNK_BASE_MISSING: 404,
  VERSION_CONFLICT: 409,
  COMMIT_BLOCKS_MISSING: 409,
  COMMIT_ID_REUSED: 409,
  BODY_TOO_LARGE: 413,
  BLOCK_TOO_LARGE: 413,
  CHUNK_HASH_MISMATCH: 422,
  USER_RATE_LIMITED: 429,
  USER_CONNECTIONS_MAX: 429,
  SERVICE_OVERLOADED: 503,
  STORE_UNAVAILABLE: 503,
  METADATA_DB_UNAVAILABLE: 503,
  // GC is deleting the block being uploaded again: once its row is gone the upload stores afresh.
  GC_BLOCK_BEING_DELETED: 503,
  // The BlockStore holds a damaged copy under the key: the upload was right, the store is not;
  // nothing changes until fsck finds and an operator repairs it (so no Retry-After).
  BLOCK_STORED_CORRUPT: 503,
};

/** Seconds a client waits before retrying a 503 (a restarted server is back within seconds). */
export const retryAfterS = 2;

export function statusFor(code: string): number {
  if (code.startsWith("DELTA_")) return 400;
  return statusByCode[code] ?? 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** An error the client may retry after `retryAfterS` seconds (429, 503): sent as Retry-After. */
export class RetryLaterError extends SyncbenchError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterS: number,
  ) {
    super(code, message, { hint: `retry after ${retryAfterS} s` });
  }
}

export function sendError(
  res: ServerResponse,
  error: SyncbenchError,
  extra: Record<string, unknown> = {},
): void {
  if (error instanceof RetryLaterError) res.setHeader("retry-after", String(error.retryAfterS));
  else if (statusFor(error.code) === 503 && error.code !== "BLOCK_STORED_CORRUPT") {
    res.setHeader("retry-after", String(retryAfterS));
  }
  sendJson(res, statusFor(error.code), {
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...extra,
    },
  });
}

/** Reads a body of at most `bytesMax` bytes; a larger one is refused (BODY_TOO_LARGE) unread. */
export function readBody(req: IncomingMessage, bytesMax: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > bytesMax) return Promise.reject(tooLarge(declared, bytesMax));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= bytesMax) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause(); // drainBody reads the rest before the 413 goes out
      reject(tooLarge(total, bytesMax));
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks, total)));
    req.on("error", reject);
  });
}

/**
 * Reads what is left of a request's body and drops it, so that an error answer goes out after
 * the body's end, on a connection that can carry the next request. Resolves false when more than
 * bodyDrainBytesMax bytes were declared or arrive: the caller answers and closes the connection.
 */
export function drainBody(req: IncomingMessage): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (Number(req.headers["content-length"] ?? "0") > apiLimits.bodyDrainBytesMax)
    return Promise.resolve(false);
  return new Promise((resolve) => {
    let drained = 0;
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained <= apiLimits.bodyDrainBytesMax) return;
      req.off("data", onData);
      req.pause();
      resolve(false);
    };
    req.on("data", onData);
    req.on("end", () => resolve(true));
    req.on("close", () => resolve(req.complete));
    req.resume();
  });
}

/** After this answer the connection is dropped: part of the request body was never read. */
export function closeAfter(res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.on("finish", () => res.req.destroy());
}

function tooLarge(seen: number, max: number): SyncbenchError {
  return new SyncbenchError(
    "BODY_TOO_LARGE",
    `request body of ${seen} bytes or more, at most ${max} allowed; nothing was stored`,
  );
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new SyncbenchError("REQUEST_INVALID", `body is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
