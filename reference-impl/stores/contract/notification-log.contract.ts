// The NotificationLog contract, run against the memory adapter (unit) and Redis (integration).
import { describe, expect, it } from "vitest";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import {
  compareCursors,
  type LoggedEvent,
  type NotificationLog,
} from "../notification-log/notification-log.port.ts";
import { uniqueName, withAdapter } from "./contract-helpers.ts";

const changed = (userId: string, n: number): FileChangedEvent => ({
  eventId: uniqueName(`e${n}`),
  userId,
  filePath: `/f${n}.txt`,
  version: n,
  changeType: "update",
  blockHashes: [],
  timestampMs: 1_000 + n,
});

export function notificationLogContract(
  adapterName: string,
  open: () => Promise<NotificationLog>,
): void {
  describe(`NotificationLog contract (${adapterName})`, () => {
    const withLog = withAdapter(open);

    it("keeps a user's events in order under increasing cursors, each eventId once", () =>
      withLog(async (log) => {
        const [user, other] = [uniqueName("u"), uniqueName("v")];
        expect(await log.headCursor(user)).toBe("0-0");
        const events = [1, 2, 3].map((n) => changed(user, n));
        const entries: LoggedEvent[] = [];
        for (const event of events) entries.push((await log.append(event)).entry);
        await log.append(changed(other, 9));
        const again = await log.append(events[1] as FileChangedEvent);
        expect(again.duplicate).toBe(true);
        expect(compareCursors(entries[0]!.cursor, entries[1]!.cursor)).toBeLessThan(0);
        expect(compareCursors(entries[1]!.cursor, entries[2]!.cursor)).toBeLessThan(0);
        const all = await log.readAfter(user, undefined, 10);
        expect(all.map((e) => e.event.eventId)).toEqual(events.map((e) => e.eventId));
        const after = await log.readAfter(user, entries[0]!.cursor, 1);
        expect(after.map((e) => e.event.eventId)).toEqual([events[1]!.eventId]);
        expect(await log.headCursor(user)).toBe(entries[2]!.cursor);
      }));

    it("remembers each device's cursor apart", () =>
      withLog(async (log) => {
        const user = uniqueName("u");
        expect(await log.deviceCursor(user, "phone")).toBeUndefined();
        await log.saveDeviceCursor(user, "phone", "5-0");
        await log.saveDeviceCursor(user, "laptop", "7-0");
        expect(await log.deviceCursor(user, "phone")).toBe("5-0");
      }));

    it("hands an entry sent to a pod to that pod's handler only", () =>
      withLog(async (log) => {
        const [pod, otherPod] = [uniqueName("pod"), uniqueName("pod")];
        const got: LoggedEvent[] = [];
        const wrong: LoggedEvent[] = [];
        let arrived!: () => void;
        const arrival = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const sub = await log.onPodEntries(pod, (entry) => {
          got.push(entry);
          arrived();
        });
        const otherSub = await log.onPodEntries(otherPod, (entry) => wrong.push(entry));
        const entry = { userId: "u", cursor: "3-0", event: changed("u", 3) };
        await log.sendToPod(pod, entry);
        await arrival;
        expect(got).toEqual([entry]);
        expect(wrong).toEqual([]);
        await Promise.all([sub.close(), otherSub.close()]);
      }));
  });
}
