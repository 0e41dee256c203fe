// The ChunkService's HTTP boundary, fuzzed: bodies from the request schemas (valid, mutated, cut or
// noise), block and delta URLs with fuzzed hash segments and query strings, random methods, and
// fuzzed headers (Authorization, Content-Type, extra headers). The same boundary runs against a
// ChunkService in process on the memory adapters (`parser` slice, no servers) and against the real
// stack through the gateway. Every answer must be below 500 and, when it refuses, carry a JSON
// error code; requests that were refused must leave no state (checked through upload-init after
// the run: no version for their paths, no block for their hashes).
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { ManualClock } from "../../reference-impl/runtime/clock.ts";
import {
  commitSchema,
  uploadInitSchema,
} from "../../reference-impl/services/chunk-service/schemas.ts";
import { createChunkServer } from "../../reference-impl/services/chunk-service/routes.ts";
import { MemoryBlockStore } from "../../reference-impl/stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../reference-impl/stores/metadata-db/metadata-db.memory.ts";
import { MemorySyncStream } from "../../reference-impl/stores/sync-stream/sync-stream.memory.ts";
import { check, type Boundary, type BoundaryReport, type FuzzRun } from "../boundary.ts";
import { fuzzTexts, jsonSchemaOf, type JsonSchema } from "../schema-arbitrary.ts";

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** What a refusal must leave untouched: the file path of a commit, the hash of a block upload. */
  readonly filePath?: string;
  readonly blockHash?: string;
}

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const hashSegment = fc.oneof(
  hex64,
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.constantFrom("..", "%2e%2e", "%00", "%ff", "A".repeat(64), "%", "a%2fb"),
);
const query = fc.oneof(
  fc.constant(""),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 80 }), { maxKeys: 3 })
    .map((d) => `?${new URLSearchParams(d).toString()}`),
  fc.string({ maxLength: 40 }).map((s) => `?${encodeURI(s)}`),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/octet-stream",
  "text/plain",
  "",
  "application/json; charset=utf-16",
);
const extraHeaders = fc.dictionary(
  fc.stringMatching(/^x-[a-z-]{1,12}$/),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
  { maxKeys: 2 },
);
const method = fc.constantFrom("POST", "PUT", "GET", "DELETE", "PATCH");

/** The request schemas as JSON Schema, with the path rule (a zod refinement JSON Schema cannot carry) as a pattern. */
function bodySchema(schema: typeof uploadInitSchema | typeof commitSchema): JsonSchema {
  const json = jsonSchemaOf(schema);
  return {
    ...json,
    properties: {
      ...json.properties,
      path: { type: "string", pattern: "^(/[a-z0-9._ -]{1,12}){1,4}$" },
    },
  };
}

function requestArb(tokenOf: (auth: number) => string): fc.Arbitrary<Sent> {
  const auth = fc.integer({ min: 0, max: 9 }).map(tokenOf);
  const json = (route: string, schema: typeof uploadInitSchema | typeof commitSchema) =>
    fc
      .record({
        body: fuzzTexts(bodySchema(schema)),
        q: query,
        type: contentType,
        extra: extraHeaders,
        auth,
        m: method,
      })
      .map(({ body, q, type, extra, auth: a, m }): Sent => ({
        method: m === "GET" ? "GET" : "POST",
        path: `${route}${q}`,
        body: m === "GET" ? undefined : body,
        headers: {
          ...extra,
          ...(type ? { "content-type": type } : {}),
          ...(a ? { authorization: a } : {}),
        },
        filePath: filePathOf(body),
      }));
  const block = fc
    .record({
      hash: hashSegment,
      delta: fc.boolean(),
      bases: fc.array(hashSegment, { maxLength: 4 }),
      q: query,
      size: fc.integer({ min: 0, max: 5000 }),
      extra: extraHeaders,
      auth,
      m: method,
    })
    .map(({ hash, delta, bases, q, size, extra, auth: a, m }): Sent => ({
      method: m === "POST" ? "PUT" : m,
      path: `/v1/blocks/${hash}${delta ? `/delta?base=${bases.join(",")}${q.replace("?", "&")}` : q}`,
      body: m === "GET" ? undefined : randomBytes(size),
      blockHash: hash,
      headers: {
        ...extra,
        "content-type": "application/octet-stream",
        ...(a ? { authorization: a } : {}),
      },
    }));
  return fc.oneof(
    json("/v1/files/upload-init", uploadInitSchema),
    json("/v1/files/commit", commitSchema),
    block,
  );
}

function filePathOf(body: string): string | undefined {
  try {
    const path = (JSON.parse(body) as { path?: unknown } | null)?.path;
    return typeof path === "string" &&
      path.startsWith("/") &&
      path.length <= 200 &&
      !path.includes("\u0000")
      ? path
      : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

interface Target {
  readonly baseUrl: string;
  readonly jwtSecret: string;
  close(): Promise<void>;
}

/** A ChunkService on port 0 with the memory adapters (the in-process slice). */
async function inProcess(): Promise<Target> {
  const jwtSecret = "fuzz-secret-0123456789";
  const server = createChunkServer({
    log: () => undefined,
    onCommitted: () => undefined,
    ports: {
      metadataDb: new MemoryMetadataDb(),
      blockStore: new MemoryBlockStore(),
      syncStream: new MemorySyncStream(),
      clock: new ManualClock(Date.now()),
    },
    settings: { jwtSecret, possessionKey: "fuzz-possession-key", graceMs: 1000 },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jwtSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function send(
  baseUrl: string,
  r: Sent,
): Promise<{ status: number; code?: string; type: string }> {
  const response = await fetch(`${baseUrl}${r.path}`, {
    method: r.method,
    headers: r.headers,
    body: r.body,
    signal: AbortSignal.timeout(15_000),
  });
  const type = response.headers.get("content-type") ?? "";
  const text = await response.text();
  let code: string | undefined;
  if (type.includes("json")) code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  return { status: response.status, type, ...(code ? { code } : {}) };
}

/** After the run: refused commits left no version, refused uploads left no block (read via upload-init). */
async function stateUnchanged(
  target: Target,
  user: string,
  refused: { paths: Set<string>; hashes: Set<string> },
  accepted: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  const token = signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, target.jwtSecret);
  const hashes = [...refused.hashes]
    .filter((h) => /^[0-9a-f]{64}$/.test(h) && !accepted.has(h))
    .slice(0, 5000);
  const paths = [...refused.paths].filter((p) => !accepted.has(p)).slice(0, 200);
  while (paths.length > 0 || hashes.length > 0) {
    const path = paths.shift() ?? `/fuzz-state-check`;
    const asked = hashes.splice(0, 50);
    const r = await fetch(`${target.baseUrl}/v1/files/upload-init`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ path, size: 0, blockHashes: asked }),
    });
    if (r.status !== 200) {
      // a path the schema refuses cannot hold a version; ask for the hashes again
      await r.arrayBuffer();
      if (asked.length > 0 && path !== "/fuzz-state-check") hashes.unshift(...asked);
      continue;
    }
    const plan = (await r.json()) as { currentVersion: number; missing: string[] };
    if (plan.currentVersion !== 0)
      problems.push(`refused commits left ${path} at version ${plan.currentVersion}`);
    const stored = asked.filter((h) => !plan.missing.includes(h));
    if (stored.length > 0)
      problems.push(
        `refused uploads stored block(s) ${stored.map((h) => h.slice(0, 12)).join(", ")}`,
      );
  }
  return problems;
}

export function httpBoundary(where: "parser" | "stack"): Boundary {
  const name =
    where === "stack" ? "ChunkService HTTP through the gateway" : "ChunkService HTTP (in process)";
  return {
    name,
    where,
    run: async (options: FuzzRun): Promise<BoundaryReport> => {
      const target =
        where === "stack" && options.stack
          ? {
              baseUrl: options.stack.gatewayUrl,
              jwtSecret: options.stack.jwtSecret,
              close: async () => undefined,
            }
          : await inProcess();
      const user = `fuzz-${randomUUID().slice(0, 8)}`;
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const good = `Bearer ${signJwt({ sub: user, exp }, target.jwtSecret)}`;
      const tokenOf = (n: number) =>
        n === 0 ? "" : n === 1 ? `Bearer ${randomBytes(20).toString("base64url")}` : good;
      const refused = { paths: new Set<string>(), hashes: new Set<string>() };
      const accepted = new Set<string>();
      const htmlPages: string[] = [];
      const nulPages: string[] = [];
      try {
        const report = await check(name, where, options, requestArb(tokenOf), async (r, tally) => {
          const answer = await send(target.baseUrl, r);
          const html = answer.code === undefined && answer.type.includes("html");
          tally.add(`${answer.status} ${answer.code ?? answer.type.split(";")[0]}`);
          const mark = answer.status < 300 ? accepted : undefined;
          for (const key of [r.filePath, r.blockHash])
            if (key) (mark ?? (key === r.filePath ? refused.paths : refused.hashes)).add(key);
          // nginx answers a %00 in the request line before it has a URI, so its error_page redirect
          // to a named location fails into an HTML 500: reported apart, the run goes on.
          if (html && answer.status === 500 && r.path.includes("%00"))
            nulPages.push(`${r.method} ${r.path.slice(0, 60)}`);
          else if (html && answer.status >= 400 && answer.status < 500)
            htmlPages.push(`${r.method} ${r.path.slice(0, 60)} -> ${answer.status}`);
          else if (answer.status >= 500 || (answer.status >= 400 && answer.code === undefined)) {
            throw new Error(
              `${r.method} ${r.path} answered ${answer.status} ${answer.type} without an error code`,
            );
          }
        });
        const problems = await stateUnchanged(target, user, refused, accepted);
        if (htmlPages.length > 0) {
          problems.push(
            `${htmlPages.length} refusal(s) were nginx HTML pages without an error code, e.g. ${htmlPages.slice(0, 3).join("; ")}`,
          );
        }
        if (nulPages.length > 0) {
          problems.push(
            `${nulPages.length} request(s) with %00 in the request line got nginx's HTML 500, ` +
              `e.g. ${nulPages.slice(0, 3).join("; ")}`,
          );
        }
        return { ...report, failures: [...report.failures, ...problems] };
      } finally {
        await target.close();
      }
    },
  };
}
