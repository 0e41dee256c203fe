// The DownloadService's HTTP API (openapi.yaml): authenticate, validate the query at the boundary,
// call the use case, map error codes to statuses in one table. Every response names the process
// that served it (X-Served-By), so the gateway's routing to the download pool can be checked.
// GET /v1/blocks/{hash} is the origin of the CDN edge (and a direct download path): it serves a
// block only on a valid signed block URL. GET /internal/block-grant is the edge's auth subrequest.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SyncbenchError } from "../../core/errors.ts";
import { verifyJwt } from "../../runtime/jwt.ts";
import { verifyBlockUrl } from "./block-url.ts";
import type { DownloadServicePorts, DownloadServiceSettings } from "./ports.ts";
import { fileContent, listFiles, listVersions } from "./read-files.ts";
import { contentQuery, describeIssues, listQuery, versionsQuery } from "./schemas.ts";

export interface DownloadServiceDeps {
  readonly ports: DownloadServicePorts;
  readonly settings: DownloadServiceSettings;
  readonly log: (line: string) => void;
}

const statusByCode: Readonly<Record<string, number>> = {
  REQUEST_INVALID: 400,
  CURSOR_INVALID: 400,
  METADATA_INPUT_INVALID: 400,
  VIA_UNAVAILABLE: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  BLOCK_URL_INVALID: 403,
  BLOCK_URL_EXPIRED: 403,
  NOT_FOUND: 404,
  FILE_DELETED: 404,
  BLOCK_MISSING: 404,
  METHOD_NOT_ALLOWED: 405,
  STORE_UNAVAILABLE: 503,
  BLOCK_RECORD_MISSING: 500,
};

export function statusFor(code: string): number {
  return statusByCode[code] ?? 500;
}

const blockRoute = /^\/v1\/blocks\/([^/]+)$/;

function authenticate(req: IncomingMessage, secret: string, nowMs: number): string {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Bearer ")) {
    throw new SyncbenchError("AUTH_REQUIRED", "missing Authorization: Bearer token", {
      hint: "npx syncbench token --user <id>",
    });
  }
  return verifyJwt(header.slice("Bearer ".length), secret, nowMs).sub;
}

function parseQuery<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: import("zod").ZodError };
  },
  url: URL,
): T {
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in raw)
      throw new SyncbenchError("REQUEST_INVALID", `query parameter ${key} given twice`);
    raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new SyncbenchError("REQUEST_INVALID", `invalid query: ${describeIssues(result.error)}`);
  return result.data;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DownloadServiceDeps,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://download-service");
  const { ports, settings } = deps;
  if (req.method !== "GET" && req.method !== "HEAD") {
    throw new SyncbenchError(
      "METHOD_NOT_ALLOWED",
      `the DownloadService serves reads only, got ${req.method} ${url.pathname}`,
    );
  }
  if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
  const nowMs = ports.clock.nowMs();
  if (url.pathname === "/internal/block-grant") return blockGrant(req, res, deps, nowMs);
  const block = blockRoute.exec(url.pathname);
  if (block) return serveBlock(req, res, deps, { hash: block[1] as string, url, nowMs });
  const userId = authenticate(req, settings.jwtSecret, nowMs);
  if (url.pathname === "/v1/files/content") {
    return sendJson(
      res,
      200,
      await fileContent(ports, settings, userId, parseQuery(contentQuery, url)),
    );
  }
  if (url.pathname === "/v1/files/versions")
    return sendJson(res, 200, await listVersions(ports, userId, parseQuery(versionsQuery, url)));
  if (url.pathname === "/v1/files")
    return sendJson(res, 200, await listFiles(ports, userId, parseQuery(listQuery, url)));
  throw new SyncbenchError("NOT_FOUND", `no route ${req.method} ${url.pathname}`);
}

/**
 * The edge's auth subrequest: nginx passes the original request line in X-Original-URI; 204 when
 * its block URL verifies, 403 otherwise. Answered before the edge looks in its cache.
 */
/** How long the edge may use the presigned S3 path of one auth subrequest: one miss's fetch. */
export const originPathTtlS = 60;

/**
 * The edge's auth subrequest: 204 when the block URL verifies for its user, else 403. With an S3
 * presigner it also answers `X-Origin-Path`, a presigned S3 path for that one block, which the
 * edge fetches a miss from directly (nginx streams S3 into its cache; no Node process carries
 * the 4 MiB). Without one, the edge falls back to this service's origin path (serveBlock).
 */
async function blockGrant(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DownloadServiceDeps,
  nowMs: number,
): Promise<void> {
  const original = new URL(String(req.headers["x-original-uri"] ?? "/"), "http://edge");
  const match = blockRoute.exec(original.pathname);
  if (!match)
    throw new SyncbenchError(
      "BLOCK_URL_INVALID",
      `not a block URL: ${original.pathname.slice(0, 80)}`,
    );
  const hash = match[1] as string;
  verifyBlockUrl(deps.settings.blockUrlKey, hash, original.searchParams, nowMs);
  const presigner = deps.ports.presigner;
  const headers: Record<string, string> = {};
  if (presigner) {
    const presigned = new URL(await presigner.presignGet(hash, originPathTtlS));
    headers["x-origin-path"] = `${presigned.pathname}${presigned.search}`;
  }
  res.writeHead(204, headers);
  res.end();
}

/**
 * Origin and direct path: a signed block URL's bytes, immutable, ETag = the block hash. The block
 * streams from the BlockStore to the client as S3 sends it: no process holds a whole 4 MiB block,
 * so 256 connections cost socket buffers, not 1 GiB. A store failure mid-stream cuts the response
 * (its Content-Length then tells the client, and the edge does not cache it).
 */
async function serveBlock(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DownloadServiceDeps,
  block: { hash: string; url: URL; nowMs: number },
) {
  const { hash, url, nowMs } = block;
  verifyBlockUrl(deps.settings.blockUrlKey, hash, url.searchParams, nowMs);
  const reader = await deps.ports.blockStore.openRead(hash);
  if (!reader)
    throw new SyncbenchError("BLOCK_MISSING", `block ${hash} is not in the BlockStore`, {
      hint: "run npx syncbench fsck",
    });
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": reader.sizeBytes,
    "cache-control": "public, max-age=31536000, immutable",
    etag: `"${hash}"`,
  });
  if (req.method === "HEAD") {
    (reader.body as Readable).destroy();
    return void res.end();
  }
  try {
    await pipeline(reader.body, res);
  } catch (error) {
    // The client went away (or S3 did, mid-body): the response is cut; nothing else to answer.
    if (!res.destroyed) res.destroy();
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code !== "ERR_STREAM_PREMATURE_CLOSE" && code !== "ECONNRESET") {
      deps.log(`block ${hash.slice(0, 12)}… cut mid-stream: ${String(error)}`);
    }
  }
}

const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
  "53300",
]);

function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DownloadServiceDeps,
  error: unknown,
): void {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const known =
    error instanceof SyncbenchError
      ? error
      : transientCodes.has(code) ||
          /Connection terminated|when trying to connect|socket hang up/.test(
            (error as Error).message ?? "",
          )
        ? new SyncbenchError(
            "STORE_UNAVAILABLE",
            `a store did not answer (${code}: ${String((error as Error).message).slice(0, 160)})`,
            { hint: "retry with backoff", cause: error },
          )
        : undefined;
  if (!known)
    deps.log(
      `unexpected error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`,
    );
  if (res.headersSent || res.destroyed) return void res.destroy();
  const failure = known ?? new SyncbenchError("INTERNAL", "unexpected server error");
  const status = statusFor(failure.code);
  if (status === 503) res.setHeader("retry-after", "2");
  sendJson(res, status, {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.hint ? { hint: failure.hint } : {}),
    },
  });
}

export function createDownloadServer(deps: DownloadServiceDeps): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    res.setHeader("x-served-by", `download-service ${deps.settings.podId}`);
    req.resume(); // a read carries no body worth reading; drain whatever came
    route(req, res, deps).catch((error: unknown) => answerError(req, res, deps, error));
  });
  server.maxConnections = connectionsMax;
  return server;
}

/** Open client connections per process: at most this many 4 MiB block bodies in flight. */
export const connectionsMax = 256;
