// The ChunkService's HTTP API (openapi.yaml): authenticate, validate at the boundary, call the
// use case, map the outcome to a status. Expected outcomes (conflict, missing blocks) are values;
// a store that does not answer is a 503 with nothing committed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SyncbenchError } from "../../core/errors.ts";
import { apiLimits, routeBodyBytesMax } from "../../core/limits.ts";
import { verifyJwt } from "../../runtime/jwt.ts";
import { commitFile } from "./commit.ts";
import { closeAfter, drainBody, parseJson, readBody, sendError, sendJson } from "./http-io.ts";
import type { ChunkServicePorts, ChunkServiceSettings } from "./ports.ts";
import { commitSchema, describeIssues, hexSha256, uploadInitSchema } from "./schemas.ts";
import { uploadBlock, uploadDelta } from "./upload-block.ts";
import { uploadInit } from "./upload-init.ts";
import { UserAdmission } from "./user-admission.ts";
import { AdmissionGate, declaredBodyBytes } from "./admission-gate.ts";

export interface ChunkServiceDeps {
  readonly ports: ChunkServicePorts;
  readonly settings: ChunkServiceSettings & { readonly jwtSecret: string };
  /** Called after each successful commit with the shard it landed on (wakes the outbox relay). */
  readonly onCommitted: (shardIndex: number) => void;
  readonly log: (line: string) => void;
  /** Per-user limits of this process (tests pass their own to share it across servers). */
  readonly admission?: UserAdmission;
  /** The process's load-shedding gate (tests pass one with small limits). */
  readonly gate?: AdmissionGate;
}

const blockRoute = /^\/v1\/blocks\/([^/]+)(\/delta)?$/;

function authenticate(req: IncomingMessage, secret: string, nowMs: number): string {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Bearer ")) {
    throw new SyncbenchError("AUTH_REQUIRED", "missing Authorization: Bearer token", {
      hint: "npx syncbench token --user <id>",
    });
  }
  return verifyJwt(header.slice("Bearer ".length), secret, nowMs).sub;
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: import("zod").ZodError };
  },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new SyncbenchError("REQUEST_INVALID", `invalid request: ${describeIssues(result.error)}`);
  return result.data;
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ChunkServiceDeps,
  admission: UserAdmission,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://chunk-service");
  if (req.method === "GET" && url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
  const { ports, settings } = deps;
  // Read-only timing histograms for calibration; the gateway routes only /v1/, so this is
  // reachable on the process's own port, never from outside.
  if (req.method === "GET" && url.pathname === "/internal/timings" && ports.timings) {
    return sendJson(res, 200, ports.timings.snapshot());
  }
  const userId = authenticate(req, settings.jwtSecret, ports.clock.nowMs());
  admission.enter(userId, ports.clock.nowMs());
  res.on("close", () => admission.leave(userId));
  if (req.method === "POST" && url.pathname === "/v1/files/upload-init") {
    const body = parse(
      uploadInitSchema,
      parseJson(await readBody(req, routeBodyBytesMax.uploadInit)),
    );
    return sendJson(res, 200, await uploadInit(ports, settings, userId, body));
  }
  if (req.method === "POST" && url.pathname === "/v1/files/commit") {
    const body = parse(commitSchema, parseJson(await readBody(req, routeBodyBytesMax.commit)));
    const result = await commitFile(ports, settings, userId, body);
    if (result.ok) {
      deps.onCommitted(result.shardIndex);
      return sendJson(res, 200, { version: result.version });
    }
    if (result.reason === "conflict") {
      return sendError(
        res,
        new SyncbenchError(
          "VERSION_CONFLICT",
          `${body.path} is at version ${result.currentVersion}, ` +
            `the commit named base ${body.baseVersion}; nothing was committed`,
        ),
        { currentVersion: result.currentVersion },
      );
    }
    return sendError(
      res,
      new SyncbenchError(
        "COMMIT_BLOCKS_MISSING",
        `${result.missing.length} block(s) of ${body.path} ` +
          "were never uploaded; nothing was committed",
      ),
      { missing: result.missing },
    );
  }
  const match = blockRoute.exec(url.pathname);
  if (req.method === "PUT" && match) return putBlock(req, res, deps, userId, match, url);
  throw new SyncbenchError("NOT_FOUND", `no route ${req.method} ${url.pathname}`);
}

async function putBlock(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ChunkServiceDeps,
  userId: string,
  match: RegExpExecArray,
  url: URL,
): Promise<void> {
  const hash = parse(hexSha256, match[1]);
  if (!match[2]) {
    const bytes = await readBody(req, routeBodyBytesMax.blockPut);
    const stored = await uploadBlock(deps.ports, deps.settings, userId, hash, bytes);
    return sendJson(res, stored.created ? 201 : 200, stored);
  }
  const bases = (url.searchParams.get("base") ?? "").split(",").filter((b) => b !== "");
  if (bases.length === 0 || bases.length > apiLimits.deltaBasesMax) {
    throw new SyncbenchError(
      "REQUEST_INVALID",
      `base must name 1..${apiLimits.deltaBasesMax} hashes, got ${bases.length}`,
    );
  }
  bases.forEach((b) => parse(hexSha256, b));
  const delta = await readBody(req, routeBodyBytesMax.blockDelta);
  const stored = await uploadDelta(deps.ports, deps.settings, userId, hash, bases, delta);
  return sendJson(res, stored.created ? 201 : 200, { ...stored, deltaBytes: delta.byteLength });
}

const retryableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH", // the store's socket
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006", // Postgres shutting down or unreachable
  "40001",
  "40P01",
  "53300", // serialization failure, deadlock, too many connections
]);

/** Driver errors that mean a store did not answer or asked for a retry: a 503, retry with backoff. */
function unavailable(error: unknown): SyncbenchError | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const name = (error as Error).name ?? "";
  const message = (error as Error).message ?? "";
  const transient =
    retryableCodes.has(code) ||
    ["TimeoutError", "AbortError"].includes(name) ||
    /Connection terminated|timeout exceeded when trying to connect|socket hang up/.test(message);
  // A Postgres SQLSTATE (five characters) or a pg driver connection message: the MetadataDb is gone.
  const database =
    /^[0-9A-Z]{5}$/.test(code) || /Connection terminated|when trying to connect/.test(message);
  return transient
    ? new SyncbenchError(
        database ? "METADATA_DB_UNAVAILABLE" : "STORE_UNAVAILABLE",
        `a store did not answer or asked for a retry ` +
          `(${code || name}: ${message.slice(0, 160)}); if the reply to a commit was lost, retrying with the same uploadId ` +
          "returns its result",
        { hint: "retry with backoff", cause: error },
      )
    : undefined;
}

/** Answers a failed request once the rest of its body is read (see drainBody in http-io.ts). */
async function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ChunkServiceDeps,
  error: unknown,
) {
  const known = error instanceof SyncbenchError ? error : unavailable(error);
  if (!known)
    deps.log(
      `unexpected error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`,
    );
  const drained = await drainBody(req);
  if (res.destroyed) return; // the client went away: there is no one to answer
  if (!drained) closeAfter(res);
  sendError(res, known ?? new SyncbenchError("INTERNAL", "unexpected server error"));
}

/** The gate, for /v1/ only (health and timings always answer); released when the answer ends. */
async function admit(req: IncomingMessage, res: ServerResponse, gate: AdmissionGate) {
  if (!(req.url ?? "").startsWith("/v1/")) return;
  const release = gate.enter(declaredBodyBytes(req.headers));
  res.on("close", release);
}

export function createChunkServer(deps: ChunkServiceDeps): Server {
  const admission = deps.admission ?? new UserAdmission();
  const gate = deps.gate ?? new AdmissionGate();
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    admit(req, res, gate)
      .then(() => route(req, res, deps, admission))
      .catch((error: unknown) => answerError(req, res, deps, error))
      .catch((error: unknown) =>
        deps.log(`answering ${req.method} ${req.url} failed: ${String(error)}`),
      );
  });
  server.maxConnections = connectionsMax; // beyond it the kernel backlog waits, memory stays bounded
  return server;
}

/** Open client connections per process: at most this many bodies (each at most 4 MiB) in flight. */
export const connectionsMax = 256;
