// Runs the GC/dedup race suite on the real stores (Postgres in a database of its own, the S3 server
// under a key prefix of its own), then the crash the memory store cannot have: a worker that dies
// between version expiry's two transactions (cluster 0's ledger and decrement, then the shard's
// deletes) must not take a version's references back twice when the next run repeats the batch.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { useTestKeyPrefix } from "../../stores/contract/test-key-prefix.ts";
import { useTestDatabase } from "../../stores/contract/test-database.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { shardIndexOf } from "../../stores/metadata-db/shard-router.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { gcRaceSuite, type GcRacePorts } from "./gc-race.api-suite.ts";
import { dayMs, hourMs } from "./ports.ts";

const endpoints = stackEndpoints();
const database = useTestDatabase(endpoints.postgresUrl, "gc");
const keyPrefix = useTestKeyPrefix(endpoints.s3, "gc");
const opened: GcRacePorts[] = [];

afterAll(async () => {
  for (const p of opened) await Promise.all([p.metadataDb.close(), p.blockStore.close()]);
});

async function open(): Promise<GcRacePorts & { metadataDb: PgMetadataDb }> {
  const metadataDb = new PgMetadataDb({ url: database.url(), poolMax: 4 });
  await metadataDb.migrate();
  // Each case starts later than every earlier case ended (they advance the clock by days), so one
  // case's due blocks are never swept by the next case's clock in the shared blocks table.
  const ports = {
    metadataDb,
    blockStore: new S3BlockStore({ ...endpoints.s3, keyPrefix }),
    clock: new ManualClock(Date.UTC(2027, 0, 1) + opened.length * 1000 * dayMs),
    syncStream: new MemorySyncStream(), // the cases read events from the outbox
  };
  opened.push(ports);
  return ports;
}

gcRaceSuite("Postgres + S3", open);

describe("GC version expiry on Postgres: a worker that dies between its two transactions", () => {
  it("takes each expired version's references back once when the batch is repeated", async () => {
    const p = await open();
    const user = `gc-crash-${randomUUID().slice(0, 8)}`;
    const hash = sha256Hex(randomBytes(64));
    const t0 = p.clock.nowMs();
    const grace = 72 * hourMs;
    await p.metadataDb.recordBlock({ hash, sizeBytes: 64, nowMs: t0, graceMs: grace });
    for (const version of [1, 2, 3]) {
      const result = await p.metadataDb.commitVersion({
        userId: user,
        path: "/crash.txt",
        blockHashes: [hash],
        sizeBytes: 64,
        baseVersion: version - 1,
        changeType: version === 1 ? "create" : "update",
        eventId: randomUUID(),
        nowMs: t0 + version,
      });
      expect(result).toMatchObject({ ok: true, version });
    }
    expect(await p.metadataDb.getBlock(hash)).toMatchObject({ refCount: 3 });
    await p.metadataDb.queueVersionExpiry(
      [1, 2].map((v) => ({ userId: user, path: "/crash.txt", version: v, supersededAtMs: t0 + v })),
    );
    const input = {
      supersededBeforeMs: t0 + 10,
      nowMs: t0 + 31 * dayMs,
      graceMs: grace,
      limit: 10,
    };
    const shard = shardIndexOf(user);
    await expect(
      p.metadataDb.expireVersions(shard, input, async () => {
        throw new Error("worker killed after the ledger");
      }),
    ).rejects.toThrow(/worker killed/);
    expect(await p.metadataDb.getBlock(hash)).toMatchObject({ refCount: 1 }); // released, once
    expect((await p.metadataDb.listVersions(user, "/crash.txt", 10)).length).toBe(3); // not yet deleted
    expect(await p.metadataDb.expireVersions(shard, input)).toMatchObject({
      versionsExpired: 2,
      refsReleased: 0, // the ledger knew them
    });
    expect(await p.metadataDb.getBlock(hash)).toMatchObject({ refCount: 1 });
    expect((await p.metadataDb.listVersions(user, "/crash.txt", 10)).map((v) => v.version)).toEqual(
      [3],
    );
    const { mismatches } = await p.metadataDb.refCountMismatches(1000);
    expect(mismatches.filter((m) => m.hash === hash)).toEqual([]);
  });
});
