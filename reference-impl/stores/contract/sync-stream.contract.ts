// The SyncStream contract, run against the memory adapter (unit) and Kafka (integration, on a
// 64-partition topic created for the run): per-user order, one partition per user, two consumer
// groups that each receive every event, and describe()'s partitions and offsets.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import type { DeliveredEvent, SyncStream } from "../sync-stream/sync-stream.port.ts";
import { uniqueName } from "./contract-helpers.ts";

const event = (userId: string, version: number): FileChangedEvent => ({
  eventId: randomUUID(),
  userId,
  filePath: "/doc.txt",
  version,
  changeType: version === 1 ? "create" : "update",
  blockHashes: [],
  timestampMs: version,
});

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function syncStreamContract(
  adapterName: string,
  open: () => Promise<SyncStream>,
  waitMs = 30_000,
): void {
  describe(`SyncStream contract (${adapterName})`, () => {
    it("keeps each user's events in order, on one partition, and delivers each to both groups", async () => {
      const stream = await open();
      const users = [uniqueName("a"), uniqueName("b"), uniqueName("c")];
      const published = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((v) => users.map((u) => event(u, v)));
      const seen = { notifier: [] as DeliveredEvent[], indexer: [] as DeliveredEvent[] };
      const mine = new Set(published.map((e) => e.eventId));
      const subscriptions = await Promise.all(
        (["notifier", "indexer"] as const).map((group) =>
          stream.subscribe(
            uniqueName(group),
            async (d) => {
              if (mine.has(d.event.eventId)) seen[group].push(d);
            },
            { fromBeginning: true },
          ),
        ),
      );
      try {
        await stream.publish(published.slice(0, 12));
        await stream.publish(published.slice(12));
        for (const group of ["notifier", "indexer"] as const) {
          await waitFor(
            () => new Set(seen[group].map((d) => d.event.eventId)).size === published.length,
            waitMs,
            `${group} to receive ${published.length} events`,
          );
          for (const user of users) {
            const firsts = firstDeliveries(seen[group].filter((d) => d.event.userId === user));
            expect(firsts.map((d) => d.event.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
            expect(new Set(firsts.map((d) => d.partition)).size).toBe(1);
          }
        }
      } finally {
        for (const s of subscriptions) await s.close();
        await stream.close();
      }
    });

    it("describes its partitions in order; a publish moves one partition's offset", async () => {
      const stream = await open();
      try {
        const before = await stream.describe();
        expect(before.topic).not.toBe("");
        const indexes = before.partitions.map((p) => p.partition);
        expect(indexes).toEqual(indexes.map((_, i) => i));
        expect(before.partitions.length).toBeGreaterThan(0);
        const user = uniqueName("described");
        await stream.publish([event(user, 1), event(user, 2), event(user, 3)]);
        const after = await stream.describe();
        const moved = after.partitions.map(
          (p, i) => p.highOffset - (before.partitions[i]?.highOffset ?? 0),
        );
        expect(moved.filter((n) => n !== 0)).toEqual([3]);
        for (const p of after.partitions) expect(p.lowOffset).toBeLessThanOrEqual(p.highOffset);
      } finally {
        await stream.close();
      }
    });

    it("refuses malformed events and publishes none of the batch", async () => {
      const stream = await open();
      try {
        const bad = { ...event("u", 1), eventId: "" };
        await expect(stream.publish([event("u", 1), bad])).rejects.toMatchObject({
          code: "STREAM_EVENT_INVALID",
        });
      } finally {
        await stream.close();
      }
    });
  });
}

/** At-least-once delivery may repeat an event; order is judged on each event's first delivery. */
function firstDeliveries(delivered: readonly DeliveredEvent[]): DeliveredEvent[] {
  const seen = new Set<string>();
  return delivered.filter((d) => !seen.has(d.event.eventId) && seen.add(d.event.eventId));
}
