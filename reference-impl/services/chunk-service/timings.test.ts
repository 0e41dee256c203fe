// The ChunkService's part timings: the composition root's way of wrapping the stores (timedMethods)
// times each store call under the simulator's part names, the delta apply is timed in the use case,
// and GET /internal/timings serves the histograms without a token. Memory adapters, real HTTP.
import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import * as hdr from "hdr-histogram-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDelta } from "../../core/delta.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import {
  PartTimings,
  partNamesMax,
  timedMethods,
  type PartTimingsSnapshot,
} from "../../runtime/part-timings.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { createChunkServer } from "./routes.ts";
import { issueUploadId } from "./upload-id.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const jwtSecret = "test-secret-0123456789";

describe("PartTimings", () => {
  it("records a failed call too, and refuses names beyond partNamesMax without storing them", async () => {
    const timings = new PartTimings("t");
    await expect(
      timings.time("s3.read", () => Promise.reject(new Error("timeout"))),
    ).rejects.toThrow("timeout");
    expect(timings.snapshot().parts["s3.read"]?.count).toBe(1);
    for (let i = 0; i < partNamesMax + 3; i++) timings.record(`part-${i}`, 1);
    expect(Object.keys(timings.snapshot().parts)).toHaveLength(partNamesMax);
    expect(timings.droppedCount).toBe(4);
  });

  it("carries the process's CPU time, which only grows", () => {
    const timings = new PartTimings("t");
    const first = timings.snapshot().cpuUs!;
    let spin = 0;
    for (let i = 0; i < 2e6; i++) spin += i % 7; // some CPU between the two snapshots
    expect(spin).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(0);
    expect(timings.snapshot().cpuUs!).toBeGreaterThan(first);
  });

  it("wraps only the named methods and keeps the others' results and `this`", async () => {
    const timings = new PartTimings("t");
    const store = new MemoryBlockStore();
    const timed = timedMethods(store, timings, { get: "s3.read" });
    const block = randomBytes(100);
    await timed.put(sha(block), block);
    expect(sha((await timed.get(sha(block)))!)).toBe(sha(block));
    expect(await timed.exists(sha(block))).toBe(true);
    expect(Object.keys(timings.snapshot().parts)).toEqual(["s3.read"]);
  });
});

describe("GET /internal/timings", () => {
  let base = "";
  let close = async () => undefined as void;
  beforeAll(async () => {
    const timings = new PartTimings("chunk-test");
    const ports = {
      clock: new ManualClock(Date.now()),
      timings,
      syncStream: new MemorySyncStream(),
      metadataDb: timedMethods(new MemoryMetadataDb(), timings, {
        commitVersion: "metadataDb.commit",
        ownedBlocks: "metadataDb.query",
      }),
      blockStore: timedMethods(new MemoryBlockStore(), timings, {
        get: "s3.read",
        put: "s3.write",
      }),
    };
    const server = createChunkServer({
      ports,
      log: () => undefined,
      onCommitted: () => undefined,
      settings: { jwtSecret, possessionKey: "possession-key-0123456789", graceMs: 3_600_000 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  it("counts each part of a whole-block upload, a delta upload and two commits", async () => {
    const headers = {
      authorization: `Bearer ${signJwt({ sub: "u1", exp: Date.now() / 1000 + 600 }, jwtSecret)}`,
    };
    const old = randomBytes(64 * 1024);
    const edited = Buffer.from(old);
    edited.write("an edit", 500);
    const commit = (block: Uint8Array, baseVersion: number) =>
      fetch(`${base}/v1/files/commit`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({
          uploadId: issueUploadId("possession-key-0123456789", "u1", "/f"),
          path: "/f",
          size: block.length,
          blockHashes: [sha(block)],
          baseVersion,
        }),
      });
    expect(
      (await fetch(`${base}/v1/blocks/${sha(old)}`, { method: "PUT", headers, body: old })).status,
    ).toBe(201);
    expect((await commit(old, 0)).status).toBe(200);
    const delta = encodeDelta(old, edited);
    expect(
      (
        await fetch(`${base}/v1/blocks/${sha(edited)}/delta?base=${sha(old)}`, {
          method: "PUT",
          headers,
          body: delta,
        })
      ).status,
    ).toBe(201);
    expect((await commit(edited, 1)).status).toBe(200);

    const response = await fetch(`${base}/internal/timings`); // no token: read-only, never routed by the gateway
    expect(response.status).toBe(200);
    const snapshot = (await response.json()) as PartTimingsSnapshot;
    expect(snapshot).toMatchObject({
      kind: "syncbench.part-timings",
      schemaVersion: 1,
      source: "chunk-test",
    });
    const counts = Object.fromEntries(Object.entries(snapshot.parts).map(([k, v]) => [k, v.count]));
    // ownedBlocks: once in the delta PUT, once per commit.
    expect(counts).toEqual({
      "chunkService.deltaApply": 1,
      "metadataDb.commit": 2,
      "metadataDb.query": 3,
      "s3.read": 1,
      "s3.write": 2,
    });
    const apply = hdr.decodeFromCompressedBase64(
      snapshot.parts["chunkService.deltaApply"]!.histogramUs,
      32,
      false,
    );
    expect(apply.totalCount).toBe(1);
    expect(apply.maxValue).toBeGreaterThan(0);
  });
});
