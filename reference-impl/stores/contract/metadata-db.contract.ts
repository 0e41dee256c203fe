// The MetadataDb contract: one suite, run against the memory adapter (unit) and the Postgres
// adapter (integration). It checks the invariants the upload path relies on: the dedup check,
// ref counts per committed version, optimistic commits that never overwrite, all-or-nothing
// commits, ordered pagination and the outbox; and the read-only queries fsck relies on.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  shardCount,
  type CommitInput,
  type MetadataDb,
  type OutboxRow,
} from "../metadata-db/metadata-db.port.ts";
import { migrations } from "../metadata-db/migrations/index.ts";
import { shardIndexOf } from "../metadata-db/shard-router.ts";
import { fakeHash, uniqueName, withAdapter } from "./contract-helpers.ts";
import { metadataDbGcContract } from "./metadata-db-gc.contract.ts";

const hourMs = 3_600_000;
const graceMs = 72 * hourMs;

export interface MetadataDbContractOptions {
  /** An adapter on a store that was never migrated (no schema at all). */
  readonly openUnmigrated: () => Promise<MetadataDb>;
}

export function metadataDbContract(
  adapterName: string,
  open: () => Promise<MetadataDb>,
  options: MetadataDbContractOptions,
): void {
  describe(`MetadataDb contract (${adapterName})`, () => {
    const withDb = withAdapter(open);
    metadataDbGcContract(withDb);
    const commit = (
      over: Partial<CommitInput> & Pick<CommitInput, "userId" | "path">,
    ): CommitInput => ({
      blockHashes: [],
      sizeBytes: 0,
      baseVersion: 0,
      changeType: "create",
      eventId: randomUUID(),
      nowMs: 1_000_000,
      ...over,
    });
    const record = (db: MetadataDb, ...hashes: string[]) =>
      Promise.all(
        hashes.map((hash) => db.recordBlock({ hash, sizeBytes: 4, nowMs: 1000, graceMs })),
      );

    it("migrate is idempotent", () =>
      withDb(async (db) => {
        expect((await db.migrate()).applied).toEqual([]);
      }));

    it("lists the applied migrations after migrate, none on a store never migrated", async () => {
      await withDb(async (db) => {
        expect(await db.appliedMigrations()).toEqual(migrations.map((m) => m.version));
      });
      await withAdapter(options.openUnmigrated)(async (db) => {
        expect(await db.appliedMigrations()).toEqual([]);
      });
    });

    it("the dedup check returns exactly the hashes not recorded, once each", () =>
      withDb(async (db) => {
        const [a, b, c] = [fakeHash("dedup-a"), fakeHash("dedup-b"), fakeHash("dedup-c")];
        await record(db, a);
        expect((await db.findMissingBlocks([a, b, c, b])).sort()).toEqual([b, c].sort());
      }));

    it("block sizes come back for recorded blocks only, in one call", () =>
      withDb(async (db) => {
        const [a, b] = [fakeHash("sizes-a"), fakeHash("sizes-b")];
        await db.recordBlock({ hash: a, sizeBytes: 4_194_304, nowMs: 1, graceMs });
        expect([...(await db.blockSizes([a, b, a])).entries()]).toEqual([[a, 4_194_304]]);
      }));

    it("a recorded block is unreferenced and due for GC after the grace period, which a re-upload extends", () =>
      withDb(async (db) => {
        const hash = fakeHash("grace");
        await db.recordBlock({ hash, sizeBytes: 4, nowMs: 5000, graceMs });
        expect(await db.getBlock(hash)).toEqual({
          hash,
          sizeBytes: 4,
          refCount: 0,
          deleteAfterMs: 5000 + graceMs,
        });
        await db.recordBlock({ hash, sizeBytes: 4, nowMs: 9000, graceMs }); // a re-upload extends the grace
        expect((await db.getBlock(hash))?.deleteAfterMs).toBe(9000 + graceMs);
        await db.recordBlock({ hash, sizeBytes: 4, nowMs: 1000, graceMs }); // never shortens it
        expect((await db.getBlock(hash))?.deleteAfterMs).toBe(9000 + graceMs);
      }));

    it("ref_count equals the number of committed versions that reference the block", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const [a, b, c] = [fakeHash("rc-a"), fakeHash("rc-b"), fakeHash("rc-c")];
        await record(db, a, b, c);
        expect(
          await db.commitVersion(commit({ userId: user, path: "/f", blockHashes: [a, b, a] })),
        ).toEqual({ ok: true, version: 1, shardIndex: shardIndexOf(user) });
        expect(
          (
            await db.commitVersion(
              commit({
                userId: user,
                path: "/f",
                blockHashes: [b, c],
                baseVersion: 1,
                changeType: "update",
              }),
            )
          ).ok,
        ).toBe(true);
        const counts = await Promise.all(
          [a, b, c].map(async (h) => (await db.getBlock(h))?.refCount),
        );
        expect(counts).toEqual([1, 2, 1]);
        expect((await db.getBlock(a))?.deleteAfterMs).toBeUndefined();
        expect(await db.getFile(user, "/f")).toMatchObject({
          version: 2,
          blockHashes: [b, c],
          deleted: false,
        });
      }));

    it("a stale baseVersion is a conflict with the current version, and changes nothing", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const a = fakeHash("conflict-a");
        await record(db, a);
        await db.commitVersion(commit({ userId: user, path: "/doc", blockHashes: [a] }));
        const before = await db.readOutbox(shardIndexOf(user), 100);
        expect(
          await db.commitVersion(commit({ userId: user, path: "/doc", blockHashes: [a] })),
        ).toEqual({ ok: false, reason: "conflict", currentVersion: 1 });
        expect((await db.getBlock(a))?.refCount).toBe(1);
        expect(await db.readOutbox(shardIndexOf(user), 100)).toEqual(before);
      }));

    it("a retried commit (same eventId) gets the first result and writes nothing again", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const a = fakeHash("replay-a");
        await record(db, a);
        const first = commit({ userId: user, path: "/r", blockHashes: [a] });
        expect(await db.commitVersion(first)).toMatchObject({ ok: true, version: 1 });
        expect(await db.commitVersion(first)).toMatchObject({
          ok: true,
          version: 1,
          replayed: true,
        });
        expect((await db.getBlock(a))?.refCount).toBe(1);
        expect(
          (await db.readOutbox(shardIndexOf(user), 1000)).filter((r) => r.event.userId === user),
        ).toHaveLength(1);
        await expect(db.commitVersion({ ...first, path: "/other" })).rejects.toMatchObject({
          code: "COMMIT_ID_REUSED",
        });
        await expect(db.commitVersion({ ...first, blockHashes: [] })).rejects.toMatchObject({
          code: "COMMIT_ID_REUSED",
        });
      }));

    it("a refused reuse of an eventId leaves the ref counts, on low and high shards", () =>
      withDb(async (db) => {
        // One user on shards 0..31 and one on 32..63: a layout that splits the shards over two
        // clusters then takes both commit paths (same cluster as the blocks table, and the other).
        for (const low of [true, false]) {
          let user = uniqueName("u");
          while (shardIndexOf(user) < shardCount / 2 !== low) user = uniqueName("u");
          const a = fakeHash(`reuse-${user}`);
          await record(db, a);
          const first = commit({ userId: user, path: "/r", blockHashes: [a] });
          expect((await db.commitVersion(first)).ok).toBe(true);
          await expect(db.commitVersion({ ...first, path: "/other" })).rejects.toMatchObject({
            code: "COMMIT_ID_REUSED",
          });
          expect((await db.getBlock(a))?.refCount, `shard ${shardIndexOf(user)}`).toBe(1);
        }
      }));

    it("concurrent commits of different users sharing a block count one reference each", () =>
      withDb(async (db) => {
        const shared = fakeHash("shared-concurrent");
        await record(db, shared);
        const users = [uniqueName("u"), uniqueName("v"), uniqueName("w")];
        const results = await Promise.all(
          users.map((userId) =>
            db.commitVersion(commit({ userId, path: "/s", blockHashes: [shared] })),
          ),
        );
        expect(results.every((r) => r.ok)).toBe(true);
        expect((await db.getBlock(shared))?.refCount).toBe(3);
      }));

    it("of two concurrent commits on the same base exactly one wins", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const results = await Promise.all(
          [1, 2].map(() => db.commitVersion(commit({ userId: user, path: "/race" }))),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok)).toEqual([
          { ok: false, reason: "conflict", currentVersion: 1 },
        ]);
      }));

    it("a commit naming an unrecorded block is refused whole", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const [a, missing] = [fakeHash("partial-a"), fakeHash("partial-missing")];
        await record(db, a);
        expect(
          await db.commitVersion(commit({ userId: user, path: "/p", blockHashes: [a, missing] })),
        ).toEqual({ ok: false, reason: "missing-blocks", missing: [missing] });
        expect(await db.getFile(user, "/p")).toBeUndefined();
        expect((await db.getBlock(a))?.refCount).toBe(0);
        expect(
          (await db.readOutbox(shardIndexOf(user), 1000)).filter((r) => r.event.userId === user),
        ).toEqual([]);
      }));

    it("each commit leaves one file_changed event in its shard's outbox until marked sent", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const eventId = randomUUID();
        await db.commitVersion(commit({ userId: user, path: "/e", eventId, nowMs: 42_000 }));
        const shard = shardIndexOf(user);
        const rows = (await db.readOutbox(shard, 1000)).filter((r) => r.event.userId === user);
        expect(rows.map((r) => r.event)).toEqual([
          {
            eventId,
            userId: user,
            filePath: "/e",
            version: 1,
            changeType: "create",
            blockHashes: [],
            timestampMs: 42_000,
          },
        ]);
        await db.markOutboxSent(
          shard,
          rows.map((r) => r.outboxId),
          43_000,
        );
        expect((await db.readOutbox(shard, 1000)).filter((r) => r.event.userId === user)).toEqual(
          [],
        );
      }));

    it("lists a user's files in byte order, page by page, and no one else's", () =>
      withDb(async (db) => {
        const [user, other] = [uniqueName("u"), uniqueName("v")];
        const paths = ["/b", "/a", "/é", "/c/d", "/Z"];
        for (const path of paths) await db.commitVersion(commit({ userId: user, path }));
        await db.commitVersion(commit({ userId: other, path: "/a" }));
        const seen: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 5; page++) {
          const result = await db.listFiles(user, {
            limit: 2,
            ...(after === undefined ? {} : { afterPath: after }),
          });
          seen.push(...result.files.map((f) => f.path));
          after = result.nextAfterPath;
          if (after === undefined) break;
        }
        expect(seen).toEqual(["/Z", "/a", "/b", "/c/d", "/é"]);
      }));

    it("lists only paths under a prefix, taken literally (% and _ are plain characters)", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        for (const path of ["/docs/a", "/docs/b", "/docsx", "/d%cs/z", "/dXcs/y", "/other"]) {
          await db.commitVersion(commit({ userId: user, path }));
        }
        const paths = async (prefix: string) =>
          (await db.listFiles(user, { prefix, limit: 10 })).files.map((f) => f.path);
        expect(await paths("/docs/")).toEqual(["/docs/a", "/docs/b"]);
        expect(await paths("/d%cs/")).toEqual(["/d%cs/z"]);
        expect(await paths("/d_cs")).toEqual([]);
        const page = await db.listFiles(user, { prefix: "/docs", limit: 2 });
        expect(page.files.map((f) => f.path)).toEqual(["/docs/a", "/docs/b"]);
        expect(
          (
            await db.listFiles(user, {
              prefix: "/docs",
              afterPath: page.nextAfterPath ?? "",
              limit: 2,
            })
          ).files.map((f) => f.path),
        ).toEqual(["/docsx"]);
      }));

    it("pages neither skip nor repeat a row while the user's files change between pages", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const before = ["/m01", "/m02", "/m03", "/m04", "/m05", "/m06"];
        for (const path of before) await db.commitVersion(commit({ userId: user, path }));
        const first = await db.listFiles(user, { limit: 3 });
        // Between pages: a file before the cursor appears, one after it appears, one listed changes.
        await db.commitVersion(commit({ userId: user, path: "/m00" }));
        await db.commitVersion(commit({ userId: user, path: "/m045" }));
        await db.commitVersion(commit({ userId: user, path: "/m02", baseVersion: 1 }));
        const second = await db.listFiles(user, {
          afterPath: first.nextAfterPath ?? "",
          limit: 1000,
        });
        const seen = [...first.files, ...second.files].map((f) => f.path);
        expect(seen).toEqual(["/m01", "/m02", "/m03", "/m04", "/m045", "/m05", "/m06"]);
        expect(new Set(seen).size).toBe(seen.length);
      }));

    it("keeps every version of a file, newest first, for its owner only", () =>
      withDb(async (db) => {
        const [user, other] = [uniqueName("u"), uniqueName("v")];
        const [a, b] = [fakeHash("ver-a"), fakeHash("ver-b")];
        await record(db, a, b);
        await db.commitVersion(
          commit({ userId: user, path: "/h", blockHashes: [a], sizeBytes: 4, nowMs: 5000 }),
        );
        await db.commitVersion(
          commit({
            userId: user,
            path: "/h",
            blockHashes: [a, b],
            sizeBytes: 8,
            baseVersion: 1,
            changeType: "update",
          }),
        );
        await db.commitVersion(
          commit({
            userId: user,
            path: "/h",
            blockHashes: [],
            baseVersion: 2,
            changeType: "delete",
          }),
        );
        const versions = await db.listVersions(user, "/h", 10);
        expect(versions.map((v) => [v.version, v.changeType, v.sizeBytes, v.blockHashes])).toEqual([
          [3, "delete", 0, []],
          [2, "update", 8, [a, b]],
          [1, "create", 4, [a]],
        ]);
        expect((await db.listVersions(user, "/h", 1)).map((v) => v.version)).toEqual([3]);
        expect(await db.getVersion(user, "/h", 1)).toEqual({
          version: 1,
          sizeBytes: 4,
          blockHashes: [a],
          changeType: "create",
          createdAtMs: 5000,
        });
        expect(await db.getVersion(user, "/h", 4)).toBeUndefined();
        expect(await db.getVersion(other, "/h", 1)).toBeUndefined();
        expect(await db.listVersions(other, "/h", 10)).toEqual([]);
        await expect(db.listVersions(user, "/h", 0)).rejects.toMatchObject({
          code: "METADATA_INPUT_INVALID",
        });
      }));

    it("a user owns what was granted to them and what they committed, and nothing of others'", () =>
      withDb(async (db) => {
        const [user, other] = [uniqueName("u"), uniqueName("v")];
        const [a, b, c] = [fakeHash("own-a"), fakeHash("own-b"), fakeHash("own-c")];
        await record(db, a, b, c);
        await db.grantBlocks(user, [a]);
        await db.commitVersion(commit({ userId: user, path: "/o", blockHashes: [b] }));
        expect((await db.ownedBlocks(user, [a, b, c])).sort()).toEqual([a, b].sort());
        expect(await db.ownedBlocks(other, [a, b, c])).toEqual([]);
      }));

    it("drains the outbox at least once: rows stay when publish fails, never go out twice at once", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const shard = shardIndexOf(user);
        for (const path of ["/1", "/2", "/3"])
          await db.commitVersion(commit({ userId: user, path }));
        const failing = db.drainOutbox(
          shard,
          100,
          async () => {
            throw new Error("broker down");
          },
          1,
        );
        await expect(failing).rejects.toThrow("broker down");
        const published: string[] = [];
        const publish = async (
          rows: readonly { event: { userId: string; filePath: string } }[],
        ) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          published.push(
            ...rows.filter((r) => r.event.userId === user).map((r) => r.event.filePath),
          );
        };
        await Promise.all([
          db.drainOutbox(shard, 100, publish, 2),
          db.drainOutbox(shard, 100, publish, 2),
        ]);
        expect(published).toEqual(["/1", "/2", "/3"]); // each once, in commit order
        expect((await db.readOutbox(shard, 1000)).filter((r) => r.event.userId === user)).toEqual(
          [],
        );
      }));

    it("fsck: a consistent store has no ref-count mismatch, lists referenced blocks in order", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const [a, b, unused] = [fakeHash("fsck-a"), fakeHash("fsck-b"), fakeHash("fsck-unused")];
        await record(db, a, b, unused);
        await db.commitVersion(commit({ userId: user, path: "/k", blockHashes: [a, b, a] }));
        const { blocksChecked, mismatches } = await db.refCountMismatches(1000);
        expect(mismatches).toEqual([]);
        expect(blocksChecked).toBeGreaterThanOrEqual(3);
        const listed: string[] = [];
        for (let after = ""; listed.length < 100_000;) {
          const page = await db.referencedBlocks(after, 2);
          expect(page.length).toBeLessThanOrEqual(2);
          listed.push(...page);
          const last = page[page.length - 1];
          if (last === undefined) break;
          after = last;
        }
        expect(listed).toEqual([...new Set(listed)].sort());
        expect(listed).toEqual(expect.arrayContaining([a, b]));
        expect(listed).not.toContain(unused);
      }));

    it("fsck: an unsent outbox row is stale once older than the bound, not once sent", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const shard = shardIndexOf(user);
        await db.commitVersion(commit({ userId: user, path: "/s", nowMs: 42_000 }));
        const mine = (rows: readonly OutboxRow[]) => rows.filter((r) => r.event.userId === user);
        expect(mine(await db.staleOutbox(shard, 42_000, 1000))).toEqual([]);
        const stale = mine(await db.staleOutbox(shard, 42_001, 1000));
        expect(stale.map((r) => [r.shardIndex, r.createdAtMs, r.event.filePath])).toEqual([
          [shard, 42_000, "/s"],
        ]);
        expect(await db.shardsWithUnsentEvents()).toContain(shard);
        await db.markOutboxSent(
          shard,
          stale.map((r) => r.outboxId),
          43_000,
        );
        expect(mine(await db.staleOutbox(shard, 99_000, 1000))).toEqual([]);
      }));

    it("a live claim keeps the shard for its relay; once its lease runs out the next drain sends the rows again", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        const shard = shardIndexOf(user);
        await db.commitVersion(commit({ userId: user, path: "/lease" }));
        const mine = (rows: readonly { event: { userId: string; eventId: string } }[]) =>
          rows.filter((r) => r.event.userId === user).map((r) => r.event.eventId);
        let release: () => void = () => undefined;
        const sentByStuck: string[] = [];
        let claimed: () => void = () => undefined;
        const claimedOnce = new Promise<void>((resolve) => (claimed = resolve));
        const stuck = db.drainOutbox(
          shard,
          100,
          async (rows) => {
            sentByStuck.push(...mine(rows));
            claimed();
            await new Promise<void>((resolve) => (release = resolve)); // a relay stuck in a slow publish
          },
          10,
        );
        await claimedOnce;
        const sentByOthers: string[] = [];
        const other = async (rows: readonly { event: { userId: string; eventId: string } }[]) => {
          sentByOthers.push(...mine(rows));
        };
        expect(await db.drainOutbox(shard, 100, other, 20)).toBe(0); // its lease is live: hands off
        expect(sentByOthers).toEqual([]);
        expect(await db.drainOutbox(shard, 100, other, 10 + 10 * 60_000)).toBeGreaterThan(0); // lease over
        release();
        await stuck;
        expect(sentByOthers).toEqual(sentByStuck); // a duplicate with the same event id, never a loss
        expect(sentByStuck).toHaveLength(1);
        expect(mine(await db.readOutbox(shard, 1000))).toEqual([]);
      }));

    it("rejects malformed input with METADATA_INPUT_INVALID and writes nothing", () =>
      withDb(async (db) => {
        const user = uniqueName("u");
        await expect(db.findMissingBlocks(["not-a-hash"])).rejects.toMatchObject({
          code: "METADATA_INPUT_INVALID",
        });
        await expect(
          db.commitVersion(commit({ userId: user, path: "/x", baseVersion: -1 })),
        ).rejects.toMatchObject({ code: "METADATA_INPUT_INVALID" });
        await expect(db.listFiles(user, { limit: 100_000 })).rejects.toMatchObject({
          code: "METADATA_INPUT_INVALID",
        });
        expect(await db.getFile(user, "/x")).toBeUndefined();
      }));
  });
}
