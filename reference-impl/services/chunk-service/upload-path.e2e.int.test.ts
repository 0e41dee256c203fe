// End to end through the ApiGateway (nginx, UploadLB) to the ChunkService processes that `up`
// started, on the real stores; then the faults the issue names, on servers this file starts and
// owns (a throwaway Postgres and S3 server of the native stack's kind, on their own ports and
// folders, behind an in-process ChunkService), so that no test stops a server it did not start:
// the S3 server stopped during an upload (a clean 503, nothing committed, fsck clean) and
// Postgres restarted mid-run (a clean 503, then the retry succeeds). Native provider only.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDelta } from "../../core/delta.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import type { S3Endpoint } from "../../stack/endpoints.ts";
import type { NativeConfig } from "../../stack/native/native-config.ts";
import { NativeProvider } from "../../stack/native/native-provider.ts";
import { postgresService, postgresUrl } from "../../stack/native/postgres.ts";
import { s3Endpoint, s3Service } from "../../stack/native/s3.ts";
import { loadStackConfig } from "../../stack/stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "../../stack/stack.test-env.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { fsckStack } from "../fsck/main.ts";
import { createChunkServer } from "./routes.ts";

const secret = stackJwtSecret();
const endpoints = stackEndpoints();
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function call(
  user: string,
  method: string,
  path: string,
  body?: unknown,
  raw?: Uint8Array,
  target = { url: endpoints.gatewayUrl, secret: secret ?? "" },
) {
  const token = signJwt({ sub: user, exp: Date.now() / 1000 + 600 }, target.secret);
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": raw ? "application/octet-stream" : "application/json",
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json: (text.startsWith("{") ? JSON.parse(text) : { text }) as Record<string, any>,
  };
}
const file = (path: string, blocks: Uint8Array[]) => ({
  path,
  size: blocks.reduce((n, b) => n + b.length, 0),
  blockHashes: blocks.map(sha),
});
/** upload-init issues the uploadId that the commit sends back. */
const uploadIdFor = async (user: string, path: string, blocks: Uint8Array[]) =>
  (await call(user, "POST", "/v1/files/upload-init", file(path, blocks))).json.uploadId as string;
const commit = async (user: string, path: string, blocks: Uint8Array[], baseVersion: number) =>
  call(user, "POST", "/v1/files/commit", {
    uploadId: await uploadIdFor(user, path, blocks),
    ...file(path, blocks),
    baseVersion,
  });

/** fsck over a database and bucket, judged on what this test wrote (its blocks and its user's events). */
async function fsckClean(
  user: string,
  blocks: readonly Uint8Array[],
  stores: { postgresUrl: string; s3: S3Endpoint } = endpoints,
): Promise<void> {
  const report = await fsckStack(
    { ...endpoints, ...stores },
    { nowMs: Date.now(), outboxStaleMs: 60_000, blocksMax: 100_000 },
  );
  const mine = new Set(blocks.map(sha));
  expect(report.checked.referencedBlocks).toBeGreaterThan(0);
  expect(report.violations.filter((v) => mine.has(v.id) || v.detail.includes(user))).toEqual([]);
}

if (!secret)
  process.stdout.write(
    "[upload-path] end-to-end tests skipped: the stack's provider starts no ChunkService\n",
  );

describe.skipIf(!secret)("upload path through the gateway", () => {
  const config = loadStackConfig(process.env).native;

  /** chunkService.deltaApply samples over every ChunkService process `up` started. */
  async function deltaApplyCount(): Promise<number> {
    const services = (await new NativeProvider(config).status()).services.filter((s) =>
      s.name.startsWith("chunk-service"),
    );
    expect(services.length).toBeGreaterThan(0);
    let count = 0;
    for (const service of services) {
      const snapshot = (await (await fetch(`${service.endpoint}/internal/timings`)).json()) as {
        parts: Record<string, { count: number }>;
      };
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
    expect(
      (
        await call(user, "POST", "/v1/files/upload-init", {
          path: "/big.bin",
          size: block.length,
          blockHashes: [sha(block)],
        })
      ).json.missing,
    ).toEqual([sha(block)]);
    expect((await call(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(
      201,
    );
    expect(await commit(user, "/big.bin", [block], 0)).toEqual({
      status: 200,
      json: { version: 1 },
    });
    const edited = Buffer.from(block);
    randomBytes(100).copy(edited, 2_000_000);
    const delta = encodeDelta(block, edited);
    const appliedBefore = await deltaApplyCount();
    const sent = await call(
      user,
      "PUT",
      `/v1/blocks/${sha(edited)}/delta?base=${sha(block)}`,
      undefined,
      delta,
    );
    expect(sent).toMatchObject({
      status: 201,
      json: { hash: sha(edited), deltaBytes: delta.length },
    });
    // The ChunkService timed that delta apply (GET /internal/timings on its own port; other
    // test files may upload deltas meanwhile, so at least one more).
    expect(await deltaApplyCount()).toBeGreaterThan(appliedBefore);
    expect(await commit(user, "/big.bin", [edited], 1)).toEqual({
      status: 200,
      json: { version: 2 },
    });
    await fsckClean(user, [block, edited]);
  });
});

/** A loopback port free now (the kernel's choice for port 0), for a throwaway server. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A Postgres and an S3 server of this file's own (initdb and an empty bucket in a temp folder,
 * free ports, the shared install cache) and a ChunkService in this process on top of them: the
 * servers the fault tests stop and restart. Everything is stopped and removed in afterAll.
 */
describe.skipIf(!secret)("upload path faults, on servers this test starts", () => {
  const stackConfig = loadStackConfig(process.env).native;
  const rootDir = mkdtempSync(join(tmpdir(), "syncbench-e2e-faults-"));
  chmodSync(rootDir, 0o755); // as root, the cluster runs as the postgres user, which must enter the folder
  let config: NativeConfig;
  let own: NativeProvider;
  let stores: { postgresUrl: string; s3: S3Endpoint };
  let target: { url: string; secret: string };
  let closeService = async () => undefined as void;

  beforeAll(async () => {
    config = {
      ...stackConfig,
      rootDir,
      ports: { ...stackConfig.ports, postgres: await freePort(), s3: await freePort() },
    };
    own = new NativeProvider(config, [
      postgresService(config),
      s3Service(config, { current: stackConfig.s3Server }),
    ]);
    await own.up();
    stores = { postgresUrl: postgresUrl(config), s3: s3Endpoint(config) };
    const metadataDb = new PgMetadataDb({ url: stores.postgresUrl, poolMax: 4 });
    await metadataDb.migrate();
    const blockStore = new S3BlockStore(stores.s3);
    const jwtSecret = randomBytes(32).toString("hex");
    const server = createChunkServer({
      log: () => undefined,
      onCommitted: () => undefined,
      ports: {
        metadataDb,
        blockStore,
        syncStream: new MemorySyncStream(),
        clock: new SystemClock(),
      },
      settings: { jwtSecret, possessionKey: randomBytes(32).toString("hex"), graceMs: 3_600_000 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      secret: jwtSecret,
    };
    closeService = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([metadataDb.close(), blockStore.close()]);
    };
  }, 300_000);

  afterAll(async () => {
    await closeService();
    await own?.down();
    rmSync(rootDir, { recursive: true, force: true });
  }, 120_000);

  const ownCall = (user: string, method: string, path: string, body?: unknown, raw?: Uint8Array) =>
    call(user, method, path, body, raw, target);
  /** upload-init on the test's own service issues the uploadId that the commit sends back. */
  const ownCommit = async (
    user: string,
    path: string,
    blocks: Uint8Array[],
    baseVersion: number,
  ) => {
    const { uploadId } = (await ownCall(user, "POST", "/v1/files/upload-init", file(path, blocks)))
      .json as { uploadId: string };
    return ownCall(user, "POST", "/v1/files/commit", {
      uploadId,
      ...file(path, blocks),
      baseVersion,
    });
  };

  it("with the S3 server stopped between upload-init and the block upload: a clean 503, nothing committed", async () => {
    const user = `e2e-s3-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(64 * 1024);
    const plan = await ownCall(user, "POST", "/v1/files/upload-init", {
      path: "/f",
      size: block.length,
      blockHashes: [sha(block)],
    });
    expect(plan.json.missing).toEqual([sha(block)]);
    // Through the supervisor: a server killed behind its back is restarted at once (issue 12).
    await own.down({ only: ["s3"] });
    try {
      const put = await ownCall(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block);
      expect(put).toMatchObject({ status: 503, json: { error: { code: "STORE_UNAVAILABLE" } } });
      expect(await ownCommit(user, "/f", [block], 0)).toMatchObject({
        status: 409,
        json: { error: { code: "COMMIT_BLOCKS_MISSING" } },
      });
    } finally {
      await own.up();
    }
    expect((await ownCall(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(
      201,
    );
    expect(await ownCommit(user, "/f", [block], 0)).toEqual({ status: 200, json: { version: 1 } });
    await fsckClean(user, [block], stores);
  });

  it("with Postgres restarted mid-run, requests fail cleanly and the retry succeeds", async () => {
    const user = `e2e-pg-${randomUUID().slice(0, 8)}`;
    const block = randomBytes(4096);
    expect((await ownCall(user, "PUT", `/v1/blocks/${sha(block)}`, undefined, block)).status).toBe(
      201,
    );
    const uploadId = (await ownCall(user, "POST", "/v1/files/upload-init", file("/p", [block])))
      .json.uploadId as string;
    const commitOnce = () =>
      ownCall(user, "POST", "/v1/files/commit", {
        uploadId,
        path: "/p",
        size: block.length,
        blockHashes: [sha(block)],
        baseVersion: 0,
      });
    await own.down({ only: ["postgres"] });
    try {
      const during = await commitOnce();
      expect(during.status).toBe(503);
      expect(["STORE_UNAVAILABLE", "METADATA_DB_UNAVAILABLE"]).toContain(
        (during.json as { error: { code: string } }).error.code,
      );
    } finally {
      await own.up();
    }
    let after = await commitOnce();
    for (let attempt = 0; attempt < 8 && after.status === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt)); // a client's retry with backoff
      after = await commitOnce();
    }
    expect(after).toEqual({ status: 200, json: { version: 1 } });
    expect(await commitOnce()).toEqual({ status: 200, json: { version: 1 } }); // the same uploadId again: same result
    await fsckClean(user, [block], stores);
  });
});
