// Each limit of core/limits.ts (apiLimits) enforced by the ChunkService at the limit and one past
// it, over HTTP with the memory adapters and a ManualClock: hash lists, path bytes, file size, the
// body of every route (an oversized body is read to its end before the 413, so the connection
// stays usable), requests in progress and requests per second per user (429 with Retry-After), and
// BLOCK_STORED_CORRUPT as a 503 rather than an unexpected 500.
import { createHash, randomBytes } from "node:crypto";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncbenchError } from "../../core/errors.ts";
import { apiLimits, overloadLimits, routeBodyBytesMax } from "../../core/limits.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import type { ChunkServicePorts } from "./ports.ts";
import { createChunkServer } from "./routes.ts";
import { UserAdmission } from "./user-admission.ts";
import { AdmissionGate } from "./admission-gate.ts";

const jwtSecret = "limits-secret-0123456789";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const clock = new ManualClock(Date.UTC(2026, 11, 7));
const admission = new UserAdmission();
const blockStore = new MemoryBlockStore();
const ports: ChunkServicePorts = {
  metadataDb: new MemoryMetadataDb(),
  blockStore,
  syncStream: new MemorySyncStream(),
  clock,
};
let port = 0;
let close = async () => undefined as void;
let userIndex = 0;
const newUser = () => `limits-${userIndex++}`;

beforeAll(async () => {
  const server = createChunkServer({
    ports,
    admission,
    // The per-user limits are tested alone: the process's gate (admission-gate.test.ts) would
    // refuse one user's 64 requests in progress first.
    gate: new AdmissionGate({
      ...overloadLimits,
      processRequestsInFlightMax: 4 * apiLimits.userConnectionsMax,
    }),
    log: () => undefined,
    onCommitted: () => undefined,
    settings: { jwtSecret, possessionKey: "possession-key-0123456789", graceMs: 3_600_000 },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterAll(() => close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One request on its own connection; `chunked` streams the body without a length. */
function send(
  user: string,
  method: string,
  path: string,
  body?: Buffer,
  chunked = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${signJwt({ sub: user, exp: clock.nowMs() / 1000 + 600 }, jwtSecret)}`,
    };
    if (body && !chunked) headers["content-length"] = body.length;
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Answer["json"],
        }),
      );
    });
    req.on("error", reject);
    if (body)
      for (let at = 0; at < body.length; at += 256 * 1024)
        req.write(body.subarray(at, at + 256 * 1024));
    req.end();
  });
}

const init = (user: string, body: unknown) =>
  send(user, "POST", "/v1/files/upload-init", Buffer.from(JSON.stringify(body)));
const codeOf = (a: Answer) => (a.status < 300 ? a.status : a.json.error?.code);
/** A JSON upload-init of exactly `bytes` bytes (padded with spaces). */
const paddedInit = (bytes: number) => {
  const text = JSON.stringify({ path: "/pad", size: 0, blockHashes: [] });
  return Buffer.from(text + " ".repeat(bytes - text.length));
};

describe("API limits at the limit and one past it", () => {
  it("hash-list length (blocks per file), file size and path bytes", async () => {
    const user = newUser();
    const hashes = (n: number) => Array.from({ length: n }, (_, i) => sha(Buffer.from(String(i))));
    expect(
      codeOf(
        await init(user, { path: "/h", size: 0, blockHashes: hashes(apiLimits.hashListLengthMax) }),
      ),
    ).toBe(200);
    expect(
      codeOf(
        await init(user, {
          path: "/h",
          size: 0,
          blockHashes: hashes(apiLimits.hashListLengthMax + 1),
        }),
      ),
    ).toBe("REQUEST_INVALID");
    expect(
      codeOf(await init(user, { path: "/s", size: apiLimits.fileSizeBytesMax, blockHashes: [] })),
    ).toBe(200);
    expect(
      codeOf(
        await init(user, { path: "/s", size: apiLimits.fileSizeBytesMax + 1, blockHashes: [] }),
      ),
    ).toBe("REQUEST_INVALID");
    const pathOf = (bytes: number, char = "a") =>
      `/${char.repeat((bytes - 1) / Buffer.byteLength(char))}`;
    expect(
      codeOf(await init(user, { path: pathOf(apiLimits.pathBytesMax), size: 0, blockHashes: [] })),
    ).toBe(200);
    expect(
      codeOf(
        await init(user, { path: pathOf(apiLimits.pathBytesMax + 1), size: 0, blockHashes: [] }),
      ),
    ).toBe("REQUEST_INVALID");
    const twoByte = `/${"é".repeat((apiLimits.pathBytesMax - 1 - 1) / 2)}a`; // 4096 UTF-8 bytes, 2049 characters
    expect(codeOf(await init(user, { path: twoByte, size: 0, blockHashes: [] }))).toBe(200);
    expect(codeOf(await init(user, { path: `${twoByte}é`, size: 0, blockHashes: [] }))).toBe(
      "REQUEST_INVALID",
    );
  });

  it("the body of each route: the limit is read, one byte more is a 413 after the whole body", async () => {
    const user = newUser();
    expect(
      codeOf(
        await send(user, "POST", "/v1/files/upload-init", paddedInit(routeBodyBytesMax.uploadInit)),
      ),
    ).toBe(200);
    expect(
      codeOf(
        await send(
          user,
          "POST",
          "/v1/files/upload-init",
          paddedInit(routeBodyBytesMax.uploadInit + 1),
        ),
      ),
    ).toBe("BODY_TOO_LARGE");
    expect(
      codeOf(await send(user, "POST", "/v1/files/commit", paddedInit(routeBodyBytesMax.commit))),
    ).toBe("REQUEST_INVALID");
    expect(
      codeOf(
        await send(user, "POST", "/v1/files/commit", paddedInit(routeBodyBytesMax.commit + 1)),
      ),
    ).toBe("BODY_TOO_LARGE");
    const block = randomBytes(routeBodyBytesMax.blockPut);
    expect(codeOf(await send(user, "PUT", `/v1/blocks/${sha(block)}`, block))).toBe(201);
    const over = Buffer.concat([block, Buffer.from([1])]);
    expect(codeOf(await send(user, "PUT", `/v1/blocks/${sha(over)}`, over, true))).toBe(
      "BODY_TOO_LARGE",
    );
    const delta = (n: number) =>
      send(user, "PUT", `/v1/blocks/${sha(over)}/delta?base=${sha(block)}`, Buffer.alloc(n, 7));
    expect(codeOf(await delta(apiLimits.deltaBytesMax))).toMatch(/^DELTA_/);
    expect(codeOf(await delta(apiLimits.deltaBytesMax + 1))).toBe("BODY_TOO_LARGE");
    expect(await blockStore.exists(sha(over))).toBe(false);
  });

  it("drains an oversized body before answering, so the connection carries the next request", async () => {
    const token = `Bearer ${signJwt({ sub: newUser(), exp: clock.nowMs() / 1000 + 600 }, jwtSecret)}`;
    const statuses: number[] = [];
    const sockets = new Set<unknown>();
    const agent = new (await import("node:http")).Agent({ keepAlive: true, maxSockets: 1 });
    for (const body of [paddedInit(3 * 1024 * 1024), paddedInit(100)]) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const req = request(
            {
              host: "127.0.0.1",
              port,
              method: "POST",
              path: "/v1/files/upload-init",
              agent,
              headers: { authorization: token, "content-length": body.length },
            },
            (res) => {
              sockets.add(req.socket);
              res.resume();
              res.on("end", () => resolve(res.statusCode ?? 0));
            },
          );
          req.on("error", reject);
          req.end(body);
        }),
      );
    }
    agent.destroy();
    expect(statuses).toEqual([413, 200]);
    expect(sockets.size).toBe(1); // the same keep-alive connection served both
  });

  it("requests per user per second: a burst of userRequestsBurstMax passes, the next is a 429 with Retry-After", async () => {
    const [user, other] = [newUser(), newUser()];
    for (let i = 0; i < apiLimits.userRequestsBurstMax; i++) {
      const answer = await send(user, "GET", "/v1/nothing");
      if (answer.status !== 404)
        expect({ i, code: codeOf(answer) }).toEqual({ i, code: "NOT_FOUND" });
    }
    const limited = await send(user, "GET", "/v1/nothing");
    expect({
      status: limited.status,
      code: codeOf(limited),
      retryAfter: limited.headers["retry-after"],
    }).toEqual({ status: 429, code: "USER_RATE_LIMITED", retryAfter: "1" });
    expect(codeOf(await send(other, "GET", "/v1/nothing"))).toBe("NOT_FOUND"); // another user is not held back
    clock.advance(1000 / apiLimits.userRequestsPerSMax); // one token's worth
    expect(codeOf(await send(user, "GET", "/v1/nothing"))).toBe("NOT_FOUND");
    expect(codeOf(await send(user, "GET", "/v1/nothing"))).toBe("USER_RATE_LIMITED");
  });

  it("requests of one user in progress: userConnectionsMax are served, one more is a 429", async () => {
    const user = newUser();
    const token = `Bearer ${signJwt({ sub: user, exp: clock.nowMs() / 1000 + 600 }, jwtSecret)}`;
    const open = Array.from({ length: apiLimits.userConnectionsMax }, () => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/v1/files/upload-init",
        agent: false,
        headers: { authorization: token, "content-length": 100 },
      });
      const done = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
      });
      req.write(" "); // the request is in progress: its body is not complete
      return { req, done };
    });
    while (admission.inFlightOf(user) < apiLimits.userConnectionsMax)
      await new Promise((r) => setImmediate(r));
    const refused = await send(user, "GET", "/v1/nothing");
    expect({
      status: refused.status,
      code: codeOf(refused),
      retryAfter: refused.headers["retry-after"],
    }).toEqual({ status: 429, code: "USER_CONNECTIONS_MAX", retryAfter: "1" });
    const rest = Buffer.from(
      JSON.stringify({ path: "/c", size: 0, blockHashes: [] }).padEnd(99, " "),
    );
    for (const o of open) o.req.end(rest);
    expect(new Set(await Promise.all(open.map((o) => o.done)))).toEqual(new Set([200]));
    expect(admission.inFlightOf(user)).toBe(0);
    clock.advance(60_000);
  });

  it("a damaged stored copy (BLOCK_STORED_CORRUPT) is a 503 with its code, not an unexpected 500", async () => {
    const put = blockStore.put.bind(blockStore);
    blockStore.put = () =>
      Promise.reject(new SyncbenchError("BLOCK_STORED_CORRUPT", "stored with other bytes"));
    try {
      const block = randomBytes(100);
      const answer = await send(newUser(), "PUT", `/v1/blocks/${sha(block)}`, block);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({
        status: 503,
        code: "BLOCK_STORED_CORRUPT",
      });
    } finally {
      blockStore.put = put;
    }
  });
});

describe("UserAdmission", () => {
  it("keeps at most rateLimitedUsersMax users, dropping idle ones first", () => {
    const small = new UserAdmission({ ...apiLimits, rateLimitedUsersMax: 3 });
    for (const user of ["a", "b", "c", "d", "e"]) {
      small.enter(user, 0);
      small.leave(user);
    }
    expect(small.trackedCount).toBeLessThanOrEqual(3);
  });
});
