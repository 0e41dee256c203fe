// The ApiGateway under bad requests: oversized bodies are refused with a JSON 413 at every upload
// route (the limit itself passes), a client streaming oversized bodies never makes another
// client's requests fail (no 502, no ejected server), and the errors nginx answers itself on API
// paths are JSON with a code. Native provider only: it starts the ChunkServices behind the gateway.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { routeBodyBytesMax } from "../core/limits.ts";
import { signJwt } from "../runtime/jwt.ts";
import { stackEndpoints, stackJwtSecret } from "../stack/stack.test-env.ts";

const secret = stackJwtSecret();
const gateway = new URL(stackEndpoints().gatewayUrl);
const token = (user: string) => signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, secret ?? "");
const hash = "ab".repeat(32);

interface Answer {
  status: number;
  json: { error?: { code?: string } } & Record<string, unknown>;
}

/** One request; `chunked` sends the body without a length, in 64 KiB writes, as a streaming client. */
function send(
  user: string,
  method: string,
  path: string,
  body: Buffer,
  chunked = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token(user)}`,
      "content-type": "application/json",
    };
    if (!chunked) headers["content-length"] = body.length;
    const req = request(
      { host: gateway.hostname, port: gateway.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            json: (text.startsWith("{") ? JSON.parse(text) : { text }) as Answer["json"],
          });
        });
      },
    );
    req.on("error", reject);
    for (let at = 0; at < body.length; at += 64 * 1024)
      req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
}

/** A JSON document of exactly `bytes` bytes (an upload-init padded with spaces). */
const jsonOf = (bytes: number) => {
  const text = JSON.stringify({ path: "/pad", size: 0, blockHashes: [] });
  return Buffer.from(text + " ".repeat(bytes - text.length));
};

if (!secret)
  process.stdout.write("[gateway] tests skipped: the stack's provider starts no ChunkService\n");

describe.skipIf(!secret)("ApiGateway under bad requests", () => {
  it("refuses a body one byte over each route's limit with a JSON 413, and passes the limit itself", async () => {
    const user = `gw-${randomUUID().slice(0, 8)}`;
    const routes = [
      { path: "/v1/files/upload-init", max: routeBodyBytesMax.uploadInit, body: jsonOf },
      { path: "/v1/files/commit", max: routeBodyBytesMax.commit, body: jsonOf },
      {
        path: `/v1/blocks/${hash}`,
        max: routeBodyBytesMax.blockPut,
        body: (n: number) => Buffer.alloc(n, 1),
      },
      {
        path: `/v1/blocks/${hash}/delta?base=${hash}`,
        max: routeBodyBytesMax.blockDelta,
        body: (n: number) => Buffer.alloc(n, 1),
      },
    ];
    for (const route of routes) {
      const method = route.path.startsWith("/v1/blocks") ? "PUT" : "POST";
      const over = await send(user, method, route.path, route.body(route.max + 1));
      expect({ path: route.path, status: over.status, code: over.json.error?.code }).toEqual({
        path: route.path,
        status: 413,
        code: "BODY_TOO_LARGE",
      });
      const at = await send(user, method, route.path, route.body(route.max));
      expect({ path: route.path, status: at.status === 413 ? 413 : "not 413" }).toEqual({
        path: route.path,
        status: "not 413",
      });
      expect(typeof at.json.error?.code === "string" || at.status < 300).toBe(true);
    }
  });

  it("one client streaming oversized bodies gets 413s while another client's requests all succeed", async () => {
    const [mallory, alice] = [
      `gw-m-${randomUUID().slice(0, 8)}`,
      `gw-a-${randomUUID().slice(0, 8)}`,
    ];
    const oversized = jsonOf(3 * 1024 * 1024);
    let attacking = true;
    const attack = (async () => {
      const statuses: number[] = [];
      // Declared lengths (as the attack of issue 12) and streamed ones, alternately.
      for (let i = 0; i < 16; i++) {
        statuses.push(
          (await send(mallory, "POST", "/v1/files/upload-init", oversized, i % 2 === 1)).status,
        );
      }
      attacking = false;
      return statuses;
    })();
    const small = Buffer.from(JSON.stringify({ path: "/ok", size: 0, blockHashes: [] }));
    const aliceStatuses: number[] = [];
    while (attacking || aliceStatuses.length < 10) {
      aliceStatuses.push((await send(alice, "POST", "/v1/files/upload-init", small)).status);
    }
    expect(new Set(await attack)).toEqual(new Set([413]));
    expect(aliceStatuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("answers its own errors on API paths as JSON with a code, never an HTML page", async () => {
    const notFound = await send("gw-x", "GET", "/no/such/route", Buffer.alloc(0));
    expect(notFound).toMatchObject({ status: 404, json: { error: { code: "NOT_FOUND" } } });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(gateway.port), gateway.hostname, () =>
        socket.write("GET /v1/files HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/content-type: application\/json/i);
    expect(raw).toContain('"code":"GATEWAY_BAD_REQUEST"');
  });
});
