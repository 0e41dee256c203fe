// fsck on memory adapters: clean after a normal upload; each invariant broken on purpose shows up
// as its own violation with the ids to look at; a database never migrated is reported, not checked.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import type { VersionRecord } from "../../stores/metadata-db/metadata-db.port.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { fsck } from "./fsck.ts";

async function storeWithOneFile() {
  const db = new MemoryMetadataDb();
  await db.migrate();
  const store = new MemoryBlockStore();
  const block = randomBytes(1000);
  const hash = sha256Hex(block);
  await store.put(hash, block);
  await db.recordBlock({ hash, sizeBytes: 1000, nowMs: 0, graceMs: 1 });
  await db.commitVersion({
    userId: "u",
    path: "/f",
    blockHashes: [hash],
    sizeBytes: 1000,
    baseVersion: 0,
    changeType: "create",
    eventId: randomUUID(),
    nowMs: 1000,
  });
  return { db, store, hash };
}

const options = { nowMs: 2000, outboxStaleMs: 60_000, blocksMax: 10_000, partitionCount: 64 };
const syncStream = new MemorySyncStream(64);

describe("fsck", () => {
  it("finds nothing wrong after a normal commit, and says what it checked", async () => {
    const { db, store } = await storeWithOneFile();
    const report = await fsck({ metadataDb: db, blockStore: store, syncStream }, options);
    expect(report.violations).toEqual([]);
    expect(report.checked).toMatchObject({ blocks: 1, referencedBlocks: 1, shards: 64 });
  });

  it("reports a committed block missing from the BlockStore", async () => {
    const { db, store, hash } = await storeWithOneFile();
    await store.delete(hash);
    expect(
      (await fsck({ metadataDb: db, blockStore: store, syncStream }, options)).violations,
    ).toEqual([expect.objectContaining({ kind: "block-missing", id: hash })]);
  });

  it("reports a ref_count that disagrees with the versions", async () => {
    const { db, store, hash } = await storeWithOneFile();
    const block = (await store.get(hash)) as Uint8Array;
    await db.commitVersion({
      userId: "u",
      path: "/g",
      blockHashes: [hash],
      sizeBytes: block.length,
      baseVersion: 0,
      changeType: "create",
      eventId: randomUUID(),
      nowMs: 1000,
    });
    // Break the invariant the way a bug would: one more version row than increments.
    const history = (db as unknown as { history: Map<string, VersionRecord[]> }).history;
    history.get("u\u0000/g")?.push({ ...(history.get("u\u0000/g")?.[0] as VersionRecord) });
    const report = await fsck({ metadataDb: db, blockStore: store, syncStream }, options);
    expect(report.violations).toEqual([
      expect.objectContaining({
        kind: "ref-count-mismatch",
        id: hash,
        detail: "ref_count 2, but 3 committed version(s) name it",
      }),
    ]);
  });

  it("reports a block whose stored content no longer hashes to its key", async () => {
    const { db, store, hash } = await storeWithOneFile();
    const damaged = {
      ...store,
      list: (after: string, limit: number) => store.list(after, limit),
      get: async (h: string) => {
        const bytes = await store.get(h);
        return bytes && Uint8Array.from(bytes, (b, i) => (i === 0 ? b ^ 1 : b));
      },
    } as typeof store;
    expect(
      (await fsck({ metadataDb: db, blockStore: damaged, syncStream }, options)).violations,
    ).toEqual([expect.objectContaining({ kind: "block-corrupt", id: hash })]);
  });

  it("reports an outbox row unsent for longer than the bound", async () => {
    const { db, store } = await storeWithOneFile();
    const report = await fsck(
      { metadataDb: db, blockStore: store, syncStream },
      { ...options, nowMs: 1000 + 60_001 },
    );
    expect(report.violations.map((v) => v.kind)).toEqual(["outbox-stale"]);
  });

  it("reports a topic without the expected partitions, or absent", async () => {
    const { db, store } = await storeWithOneFile();
    const ports = { metadataDb: db, blockStore: store };
    expect(
      (await fsck({ ...ports, syncStream: new MemorySyncStream(8) }, options)).violations,
    ).toEqual([
      { kind: "stream", id: "file-events", detail: "topic has 8 partitions, expected 64" },
    ]);
    const gone = new MemorySyncStream(0, "gone");
    expect((await fsck({ ...ports, syncStream: gone }, options)).violations).toEqual([
      { kind: "stream", id: "gone", detail: "topic is absent, expected 64 partitions" },
    ]);
  });

  it("checks nothing on a database never migrated, and says why", async () => {
    const report = await fsck(
      { metadataDb: new MemoryMetadataDb(), blockStore: new MemoryBlockStore(), syncStream },
      options,
    );
    expect(report).toMatchObject({
      violations: [],
      truncated: false,
      checked: { blocks: 0, shards: 0 },
    });
    expect(report.note).toMatch(/no schema yet/);
  });

  it("GC: reports a block at ref_count 0 kept one sweep period past its grace", async () => {
    const db = new MemoryMetadataDb();
    await db.migrate();
    const hour = 3_600_000;
    const block = randomBytes(100);
    const hash = sha256Hex(block);
    await db.recordBlock({ hash, sizeBytes: 100, nowMs: 0, graceMs: 72 * hour });
    const store = new MemoryBlockStore({ clock: new ManualClock(0) });
    await store.put(hash, block);
    const at = (nowMs: number) =>
      fsck({ metadataDb: db, blockStore: store, syncStream }, { ...options, nowMs });
    expect((await at(73 * hour)).violations).toEqual([]); // within grace + one sweep
    expect((await at(73 * hour + 1)).violations).toEqual([
      expect.objectContaining({ kind: "gc-overdue", id: hash }),
    ]);
  });

  it("GC: reports an object without a blocks row once it is older than the grace", async () => {
    const db = new MemoryMetadataDb();
    await db.migrate();
    const clock = new ManualClock(0);
    const store = new MemoryBlockStore({ clock });
    const [old, young] = [randomBytes(10), randomBytes(11)];
    await store.put(sha256Hex(old), old);
    clock.advance(72 * 3_600_000);
    await store.put(sha256Hex(young), young);
    const report = await fsck(
      { metadataDb: db, blockStore: store, syncStream },
      { ...options, nowMs: clock.nowMs() + 1 },
    );
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: "block-orphaned", id: sha256Hex(old) }),
    ]);
    expect(report.checked.storedObjects).toBe(2);
  });
});
