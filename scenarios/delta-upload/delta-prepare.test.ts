// Checks the prepare phase against a loopback server that records what it is sent: each drawn
// user uploads one whole block named by its SHA-256 and commits it as version 1 (baseVersion 0)
// of each of its drawn files, the chains cover the run, and a run needing more edits than the
// bound stops before any upload.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import { deltaEditStorm } from "../library/delta-edit-storm.ts";
import { validateScenario } from "../scenario-validate.ts";
import { prepareDeltaChains, type PrepareRequest } from "./delta-prepare.ts";
import { stepsWith } from "../operations/operations.ts";

interface Received {
  method: string;
  url: string;
  auth: string;
  sha256: string;
  body: Buffer;
}

const received: Received[] = [];
let server: Server;
let baseUrl = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const sha256 = createHash("sha256").update(body).digest("hex");
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        auth: req.headers.authorization ?? "",
        sha256,
        body,
      });
      res.writeHead(req.method === "PUT" ? 201 : 200, { "content-type": "application/json" });
      const issued = `issued-${received.length}`; // the commit must send back what upload-init issued
      res.end(
        JSON.stringify(req.url === "/v1/files/upload-init" ? { uploadId: issued } : { version: 1 }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function request(ratePerS: number, editsMax: number, filesPerUserMax = 1): PrepareRequest {
  const scenario = validateScenario({
    ...deltaEditStorm,
    warmupS: 1,
    arrival: { kind: "constant-arrival-rate", ratePerS, durationS: 2, spacing: "uniform" },
  });
  const tokenFor = (userId: number) => `token-${userId}`;
  return {
    baseUrl,
    scenario,
    tokenFor,
    runPrefix: "/syncbench/test",
    stepFor: stepsWith(tokenFor),
    bounds: { usersMax: 2, filesPerUserMax, editsMax, timeS: 60 },
    log: () => {},
  };
}

describe("prepareDeltaChains", () => {
  it("uploads each user's block whole, commits version 1, and encodes enough edits", async () => {
    received.length = 0;
    const chains = await prepareDeltaChains(request(4, 100));
    expect(received.map((r) => `${r.method} ${r.url.split("/").slice(0, 4).join("/")}`)).toEqual([
      "PUT /v1/blocks/" + received[0]!.sha256,
      "POST /v1/files/upload-init",
      "POST /v1/files/commit",
      "PUT /v1/blocks/" + received[3]!.sha256,
      "POST /v1/files/upload-init",
      "POST /v1/files/commit",
    ]);
    const [put, , commit] = received;
    expect(put!.url).toBe(`/v1/blocks/${put!.sha256}`);
    expect(put!.body.length).toBe(4 * 1024 * 1024);
    expect(put!.auth).toBe("Bearer token-1");
    const committed = JSON.parse(commit!.body.toString()) as Record<string, unknown>;
    expect(committed).toMatchObject({
      uploadId: "issued-2",
      path: "/syncbench/test/docs/user-1/file-0.bin",
      blockHashes: [put!.sha256],
      baseVersion: 0,
    });
    expect(chains.editsLeft).toBeGreaterThanOrEqual(8);
    const plan = chains.nextPlan();
    const bases = [received[0]!.sha256, received[3]!.sha256];
    expect(bases).toContain(plan.steps[1]!.path.split("?base=")[1]);
  });

  it("uploads a user's block once and commits it as version 1 of each of its drawn files", async () => {
    received.length = 0;
    const chains = await prepareDeltaChains(request(4, 1_000, 4));
    const puts = received.filter((r) => r.method === "PUT");
    const commits = received
      .filter((r) => r.url === "/v1/files/commit")
      .map((r) => ({
        auth: r.auth,
        ...(JSON.parse(r.body.toString()) as {
          path: string;
          blockHashes: string[];
          baseVersion: number;
        }),
      }));
    expect(puts.length).toBeLessThanOrEqual(2);
    expect(commits.length).toBeGreaterThan(puts.length);
    expect(new Set(commits.map((c) => c.path)).size).toBe(commits.length);
    for (const c of commits) {
      const put = puts.find((p) => p.auth === c.auth)!;
      expect(c).toMatchObject({ blockHashes: [put.sha256], baseVersion: 0 });
      expect(c.path).toMatch(/^\/syncbench\/test\/docs\/user-\d\/file-\d\.bin$/);
    }
    expect(chains.editsLeft).toBeGreaterThan(commits.length);
  });

  it("stops before any upload when the run needs more edits than the bound", async () => {
    received.length = 0;
    const error = await prepareDeltaChains(request(100, 50)).catch((e: unknown) => e);
    expect(isSyncbenchError(error, "PREPARE_BOUND_EXCEEDED")).toBe(true);
    expect(received).toHaveLength(0);
  });
});
