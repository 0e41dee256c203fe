// The GC/dedup race suite (design/decisions "GC and dedup: a lease at upload-init, a deleting mark
// at sweep"), run on the memory stores (unit) and on Postgres + S3 (integration). Time is a
// ManualClock and every interleaving is forced with the sweep's pause points, so each case runs
// the same way every time: the 72 h grace, the lease a dedup hit takes, a commit racing the mark,
// an upload racing the deletion, a worker that dies mid-sweep, and the 30-day version expiry.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash.ts";
import type { ManualClock } from "../../runtime/clock.ts";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import type { MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";
import type { SyncStream } from "../../stores/sync-stream/sync-stream.port.ts";
import { commitFile } from "../chunk-service/commit.ts";
import type { ChunkServicePorts } from "../chunk-service/ports.ts";
import { uploadBlock } from "../chunk-service/upload-block.ts";
import { uploadInit } from "../chunk-service/upload-init.ts";
import { expiryHandler } from "./expiry-consumer.ts";
import { expireOnce, sweepOnce } from "./gc-loop.ts";
import { defaultGcSettings, dayMs, hourMs, type SweepPausePoint } from "./ports.ts";

export interface GcRacePorts {
  readonly metadataDb: MetadataDb;
  readonly blockStore: BlockStore;
  readonly clock: ManualClock;
  /** The ChunkService's stream (unused by these cases: events are read from the outbox). */
  readonly syncStream: SyncStream;
}

const graceMs = 72 * hourMs;
const settings = { ...defaultGcSettings, graceMs, batchBlocksMax: 50 };
const chunkSettings = { possessionKey: "possession-key-0123456789", graceMs };

function newBlock(): { hash: string; bytes: Uint8Array } {
  const bytes = randomBytes(1024);
  return { hash: sha256Hex(bytes), bytes };
}

/** A sweep hook that stops at `point` until released (or throws there: a worker that dies). */
function pauseAt(point: SweepPausePoint, mode: "hold" | "die" = "hold") {
  let release = () => undefined as void;
  let reached = (_hashes: readonly string[]) => undefined as void;
  const atPoint = new Promise<readonly string[]>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    atPoint,
    release,
    hooks: {
      pause: async (p: SweepPausePoint, hashes: readonly string[]) => {
        if (p !== point) return;
        reached(hashes);
        if (mode === "die") throw new Error(`worker killed at ${point}`);
        await released;
      },
    },
  };
}

const user = () => `gc-user-${randomUUID().slice(0, 8)}`;

/** The ChunkService calls a case makes, on the case's ports. */
function caseHelpers() {
  const chunkPorts = (p: GcRacePorts): ChunkServicePorts => p;
  const init = (p: GcRacePorts, u: string, path: string, hashes: string[], baseVersion = 0) =>
    uploadInit(chunkPorts(p), chunkSettings, u, {
      path,
      size: hashes.length * 1024,
      blockHashes: hashes,
      baseVersion,
    });
  const commit = async (p: GcRacePorts, u: string, path: string, hashes: string[], base = 0) => {
    const { uploadId } = await init(p, u, path, hashes, base);
    return commitFile(chunkPorts(p), chunkSettings, u, {
      uploadId,
      path,
      size: hashes.length * 1024,
      blockHashes: hashes,
      baseVersion: base,
    });
  };
  const put = (p: GcRacePorts, u: string, b: { hash: string; bytes: Uint8Array }) =>
    uploadBlock(chunkPorts(p), chunkSettings, u, b.hash, b.bytes);
  /** fsck's GC invariants on what this case touched: counts match, referenced blocks exist. */
  const expectConsistent = async (p: GcRacePorts, referenced: readonly string[]) => {
    expect((await p.metadataDb.refCountMismatches(100)).mismatches).toEqual([]);
    for (const hash of referenced) {
      expect(await p.blockStore.exists(hash)).toBe(true);
      expect((await p.metadataDb.getBlock(hash))?.deletingSinceMs).toBeUndefined();
    }
  };
  return { chunkPorts, init, commit, put, expectConsistent };
}

export function gcRaceSuite(name: string, open: () => Promise<GcRacePorts>): void {
  sweepRaces(name, open);
  versionExpiry(name, open);
}

function sweepRaces(name: string, open: () => Promise<GcRacePorts>): void {
  const { chunkPorts, init, commit, put, expectConsistent } = caseHelpers();
  describe(`GC and dedup race (${name})`, () => {
    it("keeps an unreferenced block for the whole grace and deletes it at its end", async () => {
      const p = await open();
      const u = user();
      const x = newBlock();
      await put(p, u, x);
      p.clock.advance(graceMs - 1);
      expect((await sweepOnce(p, settings)).blocksDeleted).toBe(0);
      expect(await p.blockStore.exists(x.hash)).toBe(true);
      p.clock.advance(1);
      expect((await sweepOnce(p, settings)).blocksDeleted).toBeGreaterThanOrEqual(1);
      expect(await p.blockStore.exists(x.hash)).toBe(false);
      expect(await p.metadataDb.getBlock(x.hash)).toBeUndefined();
    });

    it("a dedup hit at upload-init leases the block: a sweep after its old grace keeps it", async () => {
      const p = await open();
      const u = user();
      const x = newBlock();
      await put(p, u, x);
      p.clock.advance(graceMs - 1000);
      const { missing } = await init(p, u, "leased.bin", [x.hash]);
      expect(missing).toEqual([]); // reported present: the upload counts on it
      p.clock.advance(2000); // the block's first grace is over
      await sweepOnce(p, settings);
      expect(await p.blockStore.exists(x.hash)).toBe(true);
      expect(await commit(p, u, "leased.bin", [x.hash])).toMatchObject({ ok: true, version: 1 });
      p.clock.advance(10 * graceMs);
      await sweepOnce(p, settings);
      await expectConsistent(p, [x.hash]);
    });

    it("a commit that reaches the block before the mark wins: the row-lock re-check refuses", async () => {
      const p = await open();
      const u = user();
      const x = newBlock();
      await put(p, u, x);
      p.clock.advance(graceMs);
      const gate = pauseAt("planned");
      const sweep = sweepOnce(p, settings, gate.hooks);
      expect(await gate.atPoint).toContain(x.hash); // planned from a snapshot at ref_count 0
      // The commit's own upload-init leases x; then the commit takes its reference.
      expect(await commit(p, u, "wins.bin", [x.hash])).toMatchObject({ ok: true });
      gate.release();
      expect((await sweep).refusedCount).toBeGreaterThanOrEqual(1);
      await expectConsistent(p, [x.hash]);
    });

    it("no commit succeeds once the deletion began; an upload meanwhile gets a 503 code", async () => {
      const p = await open();
      const u = user();
      const x = newBlock();
      await put(p, u, x);
      const { uploadId } = await init(p, u, "late.bin", [x.hash]); // leased now
      p.clock.advance(graceMs); // the lease runs out: the upload took longer than the grace
      const gate = pauseAt("marked");
      const sweep = sweepOnce(p, settings, gate.hooks);
      expect(await gate.atPoint).toContain(x.hash);
      const late = await commitFile(chunkPorts(p), chunkSettings, u, {
        uploadId,
        path: "late.bin",
        size: 1024,
        blockHashes: [x.hash],
        baseVersion: 0,
      });
      expect(late).toEqual({ ok: false, reason: "missing-blocks", missing: [x.hash] });
      expect((await init(p, u, "late.bin", [x.hash])).missing).toEqual([x.hash]);
      await expect(put(p, u, x)).rejects.toMatchObject({ code: "GC_BLOCK_BEING_DELETED" });
      gate.release();
      await sweep;
      expect(await p.blockStore.exists(x.hash)).toBe(false);
      await put(p, u, x); // the retry stores it afresh
      expect(await commit(p, u, "late.bin", [x.hash])).toMatchObject({ ok: true, version: 1 });
      await expectConsistent(p, [x.hash]);
    });

    for (const point of ["marked", "objects-deleted"] as const) {
      it(`a worker that dies at "${point}" leaves the block unreferencable; the next sweep finishes`, async () => {
        const p = await open();
        const u = user();
        const x = newBlock();
        await put(p, u, x);
        p.clock.advance(graceMs);
        const gate = pauseAt(point, "die");
        await expect(sweepOnce(p, settings, gate.hooks)).rejects.toThrow(/worker killed/);
        expect((await p.metadataDb.getBlock(x.hash))?.deletingSinceMs).toBeDefined();
        expect((await init(p, u, "after-crash.bin", [x.hash])).missing).toEqual([x.hash]);
        expect(await commit(p, u, "after-crash.bin", [x.hash])).toMatchObject({
          ok: false,
          reason: "missing-blocks",
        });
        const next = await sweepOnce(p, settings);
        expect(next.resumedCount).toBeGreaterThanOrEqual(1);
        expect(await p.metadataDb.getBlock(x.hash)).toBeUndefined();
        expect(await p.blockStore.exists(x.hash)).toBe(false);
        await put(p, u, x);
        expect(await commit(p, u, "after-crash.bin", [x.hash])).toMatchObject({ ok: true });
        await expectConsistent(p, [x.hash]);
      });
    }
  });
}

function versionExpiry(name: string, open: () => Promise<GcRacePorts>): void {
  const { chunkPorts, init, commit, put, expectConsistent } = caseHelpers();
  describe(`GC version expiry (${name})`, () => {
    it("expires versions 30 days after they were superseded, never the current one", async () => {
      const p = await open();
      const u = user();
      const [a, b, c] = [newBlock(), newBlock(), newBlock()];
      for (const blk of [a, b, c]) await put(p, u, blk);
      let shard = 0; // the user's shard, from the first commit's result
      const consume = async () => {
        const handler = expiryHandler(p.metadataDb);
        for (const row of await p.metadataDb.readOutbox(shard, 1000)) {
          await handler({ event: row.event, partition: 0, offset: String(row.outboxId) });
          await p.metadataDb.markOutboxSent(shard, [row.outboxId], p.clock.nowMs());
        }
      };
      const first = await commit(p, u, "doc.txt", [a.hash, b.hash]);
      expect(first).toMatchObject({ ok: true, version: 1 });
      if (first.ok) shard = first.shardIndex;
      p.clock.advance(hourMs);
      expect(await commit(p, u, "doc.txt", [b.hash, c.hash], 1)).toMatchObject({ version: 2 });
      await consume();
      p.clock.advance(30 * dayMs);
      expect((await expireOnce(p, settings)).versionsExpired).toBe(0);
      p.clock.advance(1);
      expect(await expireOnce(p, settings)).toMatchObject({ versionsExpired: 1 });
      expect((await p.metadataDb.listVersions(u, "doc.txt", 10)).map((v) => v.version)).toEqual([
        2,
      ]);
      expect(await p.metadataDb.getBlock(a.hash)).toMatchObject({ refCount: 0 });
      expect(await p.metadataDb.getBlock(b.hash)).toMatchObject({ refCount: 1 });
      p.clock.advance(graceMs);
      await sweepOnce(p, settings);
      expect(await p.blockStore.exists(a.hash)).toBe(false);
      p.clock.advance(100 * dayMs);
      await expireOnce(p, settings);
      await sweepOnce(p, settings);
      await expectConsistent(p, [b.hash, c.hash]); // the current version keeps its blocks
      // A delete supersedes the last content version: its blocks go one retention + grace later.
      const { uploadId } = await init(p, u, "doc.txt", []);
      const deleted = await commitFile(chunkPorts(p), chunkSettings, u, {
        uploadId,
        path: "doc.txt",
        size: 0,
        blockHashes: [],
        baseVersion: 2,
        delete: true,
      });
      expect(deleted).toMatchObject({ ok: true, version: 3 });
      await consume();
      p.clock.advance(30 * dayMs + 1);
      expect(await expireOnce(p, settings)).toMatchObject({ versionsExpired: 1 });
      p.clock.advance(graceMs);
      await sweepOnce(p, settings);
      expect(await p.blockStore.exists(b.hash)).toBe(false);
      expect(await p.blockStore.exists(c.hash)).toBe(false);
      expect((await p.metadataDb.getFile(u, "doc.txt"))?.deleted).toBe(true);
      await expectConsistent(p, []);
    });
  });
}
