// HTTP plumbing of the ChunkService: bounded body reads (413 as soon as a body passes its limit,
// before it is buffered whole) and the one place that maps error codes to statuses.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SyncbenchError } from "../../core/errors.ts";

const statusByCode: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400, DELTA_INVALID: 400, BLOCK_KEY_INVALID: 400, METADATA_INPUT_INVALID: 400,
  AUTH_REQUIRED: 401, AUTH_INVALID: 401, AUTH_EXPIRED: 401,
  POSSESSION_REQUIRED: 403, POSSESSION_PROOF_INVALID: 403, CHUNK_BASE_NOT_OWNED: 403,
  NOT_FOUND: 404, CHUNK_BASE_MISSING: 404,
  VERSION_CONFLICT: 409, COMMIT_BLOCKS_MISSING: 409, COMMIT_ID_REUSED: 409,
  BODY_TOO_LARGE: 413, BLOCK_TOO_LARGE: 413,
  CHUNK_HASH_MISMATCH: 422,
  STORE_UNAVAILABLE: 503, METADATA_DB_UNAVAILABLE: 503,
};

/** Seconds a client waits before retrying a 503 (a restarted server is back within seconds). */
export const retryAfterS = 2;

export function statusFor(code: string): number {
  if (code.startsWith("DELTA_")) return 400;
  return statusByCode[code] ?? 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: SyncbenchError, extra: Record<string, unknown> = {}): void {
  if (statusFor(error.code) === 413) {
    res.setHeader("connection", "close");
    res.on("finish", () => res.req.destroy());
  }
  if (statusFor(error.code) === 503) res.setHeader("retry-after", String(retryAfterS));
  sendJson(res, statusFor(error.code), { error: { code: error.code, message: error.message,
    ...(error.hint ? { hint: error.hint } : {}), ...extra } });
}

export function readBody(req: IncomingMessage, bytesMax: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > bytesMax) {
    req.resume();
    return Promise.reject(tooLarge(declared, bytesMax));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > bytesMax) {
        req.pause(); // the 413 goes out with Connection: close, then the socket is dropped
        reject(tooLarge(total, bytesMax));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks, total)));
    req.on("error", reject);
  });
}

function tooLarge(seen: number, max: number): SyncbenchError {
  return new SyncbenchError("BODY_TOO_LARGE", `request body of ${seen} bytes or more, at most ${max} allowed; nothing was stored`);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new SyncbenchError("REQUEST_INVALID", `body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
