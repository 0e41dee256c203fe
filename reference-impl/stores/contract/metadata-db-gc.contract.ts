// The MetadataDb contract's GC part (a companion of metadata-db.contract.ts, run with it on the
// memory and the Postgres adapter): the lease a dedup check takes, the sweep's row-lock re-check
// and deleting mark, which turns away commits, uploads and dedup hits, and version expiry that
// takes back each version's references once and never touches a file's current version.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { CommitInput, MetadataDb } from "../metadata-db/metadata-db.port.ts";
import { shardIndexOf } from "../metadata-db/shard-router.ts";
import { fakeHash, uniqueName } from "./contract-helpers.ts";

const graceMs = 72 * 3_600_000;

export function metadataDbGcContract(
  withDb: (body: (db: MetadataDb) => Promise<void>) => Promise<void>,
): void {
  const commit = (over: Partial<CommitInput> & Pick<CommitInput, "userId" | "path">) => ({
    blockHashes: [],
    sizeBytes: 0,
    baseVersion: 0,
    changeType: "create" as const,
    eventId: randomUUID(),
    nowMs: 1000,
    ...over,
  });

  it("GC: a leased dedup check gives an unreferenced block a fresh grace, never a shorter one", () =>
    withDb(async (db) => {
      const h = fakeHash(uniqueName("lease"));
      await db.recordBlock({ hash: h, sizeBytes: 4, nowMs: 1000, graceMs });
      expect(await db.findMissingBlocks([h])).toEqual([]);
      expect((await db.getBlock(h))?.deleteAfterMs).toBe(1000 + graceMs);
      expect(await db.findMissingBlocks([h], { nowMs: 5000, graceMs })).toEqual([]);
      expect((await db.getBlock(h))?.deleteAfterMs).toBe(5000 + graceMs);
      await db.findMissingBlocks([h], { nowMs: 2000, graceMs });
      expect((await db.getBlock(h))?.deleteAfterMs).toBe(5000 + graceMs);
    }));

  it("GC: the mark re-checks under the row lock and then turns away commits and uploads", () =>
    withDb(async (db) => {
      const [h, referenced] = [fakeHash(uniqueName("mark")), fakeHash(uniqueName("ref"))];
      for (const hash of [h, referenced])
        await db.recordBlock({ hash, sizeBytes: 4, nowMs: 1000, graceMs });
      const user = uniqueName("gc");
      await db.commitVersion(commit({ userId: user, path: "/r", blockHashes: [referenced] }));
      const due = 1000 + graceMs;
      expect(await db.beginBlockDeletion([h, referenced], due - 1)).toEqual([]);
      expect((await db.gcCandidates(due, 10_000)).map((b) => b.hash)).toContain(h);
      expect(await db.beginBlockDeletion([h, referenced], due)).toEqual([h]);
      expect((await db.getBlock(h))?.deletingSinceMs).toBe(due);
      expect(await db.findMissingBlocks([h, referenced], { nowMs: due, graceMs })).toEqual([h]);
      await expect(
        db.recordBlock({ hash: h, sizeBytes: 4, nowMs: due, graceMs }),
      ).rejects.toMatchObject({ code: "GC_BLOCK_BEING_DELETED" });
      expect(
        await db.commitVersion(commit({ userId: user, path: "/h", blockHashes: [h] })),
      ).toEqual({ ok: false, reason: "missing-blocks", missing: [h] });
      expect((await db.gcCandidates(0, 10_000)).map((b) => b.hash)).toContain(h); // resumable
      expect(await db.beginBlockDeletion([h], due + 5)).toEqual([h]); // idempotent
      expect((await db.getBlock(h))?.deletingSinceMs).toBe(due);
      expect(await db.finishBlockDeletion([h, referenced])).toBe(1);
      expect(await db.getBlock(h)).toBeUndefined();
      expect(await db.getBlock(referenced)).toMatchObject({ refCount: 1 });
      await db.recordBlock({ hash: h, sizeBytes: 4, nowMs: due, graceMs }); // stored afresh
      expect(await db.getBlock(h)).toMatchObject({ refCount: 0, deleteAfterMs: due + graceMs });
    }));

  it("GC: expires a superseded version once, never the current one", () =>
    withDb(async (db) => {
      const user = uniqueName("exp");
      const [a, b] = [fakeHash(uniqueName("a")), fakeHash(uniqueName("b"))];
      for (const hash of [a, b]) await db.recordBlock({ hash, sizeBytes: 4, nowMs: 1000, graceMs });
      await db.commitVersion(commit({ userId: user, path: "/f", blockHashes: [a, b, a] }));
      await db.commitVersion(
        commit({ userId: user, path: "/f", blockHashes: [b], baseVersion: 1, nowMs: 2000 }),
      );
      const superseded = { userId: user, path: "/f", supersededAtMs: 2000 };
      await db.queueVersionExpiry([{ ...superseded, version: 1 }]);
      await db.queueVersionExpiry([
        { ...superseded, version: 1 },
        { ...superseded, version: 2 }, // names the current version: dropped, never expired
      ]);
      const shard = shardIndexOf(user);
      const input = { supersededBeforeMs: 2000, nowMs: 9000, graceMs, limit: 100 };
      expect((await db.expireVersions(shard, input)).versionsExpired).toBe(0);
      expect(await db.expireVersions(shard, { ...input, supersededBeforeMs: 2001 })).toEqual({
        versionsExpired: 1,
        refsReleased: 2,
        blocksOrphaned: 1,
      });
      expect(await db.getBlock(a)).toMatchObject({ refCount: 0, deleteAfterMs: 9000 + graceMs });
      expect(await db.getBlock(b)).toMatchObject({ refCount: 1 });
      expect((await db.listVersions(user, "/f", 10)).map((v) => v.version)).toEqual([2]);
      expect(
        (await db.expireVersions(shard, { ...input, supersededBeforeMs: 1e15 })).refsReleased,
      ).toBe(0);
      expect((await db.overdueBlocks(9001 + graceMs, 10_000)).map((x) => x.hash)).toContain(a);
      expect((await db.overdueBlocks(9000 + graceMs, 10_000)).map((x) => x.hash)).not.toContain(a);
      const { mismatches } = await db.refCountMismatches(10_000);
      expect(mismatches.filter((m) => m.hash === a || m.hash === b)).toEqual([]);
    }));

  it("GC: rejects a bad shard index, limit or version with METADATA_INPUT_INVALID", () =>
    withDb(async (db) => {
      const input = { supersededBeforeMs: 0, nowMs: 0, graceMs, limit: 1 };
      const invalid = { code: "METADATA_INPUT_INVALID" };
      await expect(db.expireVersions(64, input)).rejects.toMatchObject(invalid);
      await expect(db.expireVersions(0, { ...input, limit: 0 })).rejects.toMatchObject(invalid);
      await expect(db.gcCandidates(0, 10_001)).rejects.toMatchObject(invalid);
      await expect(
        db.queueVersionExpiry([{ userId: "u", path: "/p", version: 0, supersededAtMs: 0 }]),
      ).rejects.toMatchObject(invalid);
    }));
}
