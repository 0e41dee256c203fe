// End to end through the ApiGateway (nginx, UploadLB) to the ChunkService processes that `up`
// started, on the real stores; then the faults the issue names: the S3 server stopped during an
// upload (a clean 503, nothing committed, fsck clean) and Postgres restarted mid-run (a clean 503,
// then the retry succeeds). Native provider only: it starts the services and owns the processes.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeDelta } from "../../core/delta.ts";
import { signJwt } from "../../runtime/jwt.ts";
import { NativeProvider } from "../../stack/native/native-provider.ts";
import { loadStackConfig } from "../../stack/stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "../../stack/stack.test-env.ts";
import { fsckStack } from "../fsck/main.ts";

const secret = stackJwtSecret();
const endpoints = stackEndpoints();
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function call(user: string, method: string, path: string, body?: unknown, raw?: Uint8Array) {
  const token = signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, secret ?? "");
  const response = await fetch(`${endpoints.gatewayUrl}${path}`, { method,
    headers: { authorization: `Bearer ${token}`, "content-type": raw ? "application/octet-stream" : "application/json" },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await response.text();
  return { status: response.status, json: (text.startsWith("{") ? JSON.parse(text) : { text }) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const commit = (user: string, path: string, blocks: Uint8Array[], baseVersion: number) => call(user, "POST", "/v1/files/commit",
  { uploadId: randomUUID(), path, size: blocks.reduce((n, b) => n + b.length, 0), blockHashes: blocks.map(sha), baseVersion });

/** fsck over the shared database, judged on what this test wrote (its blocks and its user's events). */
async function fsckClean(user: string, blocks: readonly Uint8Array[]): Promise<void> {
  const report = await fsckStack(endpoints,
    { nowMs: Date.now(), outboxStaleMs: 60_000, blocksMax: 100_000 });
  const mine = new Set(blocks.map(sha));
  expect(report.checked.referencedBlocks).toBeGreaterThan(0);
  expect(report.violations.filter((v) => mine.has(v.id) || v.detail.includes(user))).toEqual([]);
}

if (!secret) process.stdout.write("[upload-path] end-to-end tests skipped: the stack's provider starts no ChunkService\n");

describe.skipIf(!secret)("upload path through the gateway", () => {
  const config = loadStackConfig(process.env).native;

  /** chunkService.deltaApply samples over every ChunkService process `up` started. */
  async function deltaApplyCount(): Promise<number> {
    const services = (await new NativeProvider(config).status()).services.filter((s) => s.name.startsWith("chunk-service"));
    expect(services.length).toBeGreaterThan(0);
    let count = 0;
    for (const service of services) {
      const snapshot = (await (await fetch(`${service.endpoint}/internal/timings`)).json()) as
        { parts: Record<string, { count: number }> };
      count += snapshot.parts["chunkService.deltaApply"]?.count ?? 0;
    }
    return count;
  }

  it("serves part timings on each ChunkService's own port, never through the gateway", async () => {
    expect((await fetch(`${endpoints.gatewayUrl}/internal/timings`)).status).toBe(404);
    expect(await deltaApplyCount()).toBeGreaterThanOrEqual(0);
  });

  it("uploads a 4 MiB file, edits it with a ~100 B delta, and fsck finds everything consistent", async () => {
    const user = `e2e-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(4 * 1024 * 1024);
    expect((await call(user, "POST", "/v1/files/upload-init", { path: "/big.bin", size: block.length, blockHashes: [sha(block)] })).json.missing)
      .toEqual([sha(block)]);
    expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(201);
    expect(await commit(user, "/big.bin", [block], 0)).toEqual({ status: 200, json: { version: 1 } });
    const edited = Buffer.from(block);
    randomBytes(100).copy(edited, 2_000_000);
    const delta = encodeDelta(block, edited);
    const appliedBefore = await deltaApplyCount();
    const sent = await call(user, "PUT", `/v1/blocks/${sha(edited)}/delta?base=${sha(block)}`, undefined, delta);
    expect(sent).toMatchObject({ status: 201, json: { hash: sha(edited), deltaBytes: delta.length } });
    // The ChunkService timed that delta apply (GET /internal/timings on its own port; other
    // test files may upload deltas meanwhile, so at least one more).
    expect(await deltaApplyCount()).toBeGreaterThan(appliedBefore);
    expect(await commit(user, "/big.bin", [edited], 1)).toEqual({ status: 200, json: { version: 2 } });
    await fsckClean(user, [block, edited]);
  });

  it("with the S3 server stopped between upload-init and the block upload: a clean 503, nothing committed", async () => {
    const user = `e2e-s3-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(64 * 1024);
    const plan = await call(user, "POST", "/v1/files/upload-init", { path: "/f", size: block.length, blockHashes: [sha(block)] });
    expect(plan.json.missing).toEqual([sha(block)]);
    // Through the supervisor: a server killed behind its back is restarted at once (issue 12).
    await new NativeProvider(config).down({ only: ["s3"] });
    try {
      const put = await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block);
      expect(put).toMatchObject({ status: 503, json: { error: { code: "STORE_UNAVAILABLE" } } });
      expect(await commit(user, "/f", [block], 0)).toMatchObject({ status: 409, json: { error: { code: "COMMIT_BLOCKS_MISSING" } } });
    } finally {
      await new NativeProvider(config).up();
    }
    expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(201);
    expect(await commit(user, "/f", [block], 0)).toEqual({ status: 200, json: { version: 1 } });
    await fsckClean(user, [block]);
  });

  it("with Postgres restarted mid-run, requests fail cleanly and the retry succeeds", async () => {
    const user = `e2e-pg-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(4096);
    expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(201);
    const uploadId = randomUUID();
    const commitOnce = () => call(user, "POST", "/v1/files/commit", { uploadId, path: "/p", size: block.length,
      blockHashes: [sha(block)], baseVersion: 0 });
    await new NativeProvider(config).down({ only: ["postgres"] });
    try {
      const during = await commitOnce();
      expect(during.status).toBe(503);
      expect(["STORE_UNAVAILABLE", "METADATA_DB_UNAVAILABLE"]).toContain((during.json as { error: { code: string } }).error.code);
    } finally {
      await new NativeProvider(config).up();
    }
    let after = await commitOnce();
    for (let attempt = 0; attempt < 5 && after.status === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt)); // a client's retry with backoff
      after = await commitOnce();
    }
    expect(after).toEqual({ status: 200, json: { version: 1 } });
    expect(await commitOnce()).toEqual({ status: 200, json: { version: 1 } }); // the same uploadId again: same result
    await fsckClean(user, [block]);
  });
});
