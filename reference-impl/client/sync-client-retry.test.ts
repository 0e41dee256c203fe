// The sync client honours Retry-After: a service that sheds load (503 SERVICE_OVERLOADED, or 429)
// gets the same call again after the wait it named, and the pass completes; a call refused
// without Retry-After fails as before. A local server stands in for the gateway.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SyncClient } from "./sync-client.ts";

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serve(refusals: number, retryAfter: string | undefined) {
  const calls: string[] = [];
  let refused = 0;
  server = createServer((req, res) => {
    calls.push(req.url ?? "");
    req.resume();
    req.on("end", () => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/v1/files/upload-init" && refused < refusals) {
        refused++;
        const code = { error: { code: "SERVICE_OVERLOADED", message: "busy" } };
        return json(503, code, retryAfter === undefined ? {} : { "retry-after": retryAfter });
      }
      if (req.url === "/v1/files/upload-init") {
        return json(200, {
          uploadId: "u",
          currentVersion: 0,
          missing: [],
          deltaBases: {},
          challenges: [],
        });
      }
      // A first pass takes the newest cursor and the listing before it uploads.
      if (req.url?.startsWith("/v1/notifications/longpoll")) return json(200, { cursor: "0-0" });
      if (req.url?.startsWith("/v1/files?")) return json(200, { files: [], nextCursor: null });
      return json(200, { version: 1 });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  dir = mkdtempSync(join(tmpdir(), "sync-retry-"));
  writeFileSync(join(dir, "a.txt"), "hello");
  const client = new SyncClient({
    dir,
    gatewayUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`,
    token: () => "t",
    deviceId: "d",
    random: () => 0.5,
    log: () => undefined,
  });
  return { client, calls };
}

describe("SyncClient and Retry-After", () => {
  it("sends a shed call again after Retry-After and completes the pass", async () => {
    const { client, calls } = await serve(2, "0");
    const report = await client.pass();
    expect(report.filesUp).toBe(1);
    expect(calls.filter((c) => c === "/v1/files/upload-init")).toHaveLength(3);
  });

  it("fails a 503 without Retry-After as before, sending it once", async () => {
    const { client, calls } = await serve(1, undefined);
    await expect(client.pass()).rejects.toThrow(/503|SERVICE_OVERLOADED/);
    expect(calls.filter((c) => c === "/v1/files/upload-init")).toEqual(["/v1/files/upload-init"]);
  });
});
