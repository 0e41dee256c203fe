// NotificationLog in memory: one array per user, cursors "<n>-0" from a process-wide counter.
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import {
  compareCursors,
  userLogEntriesMaxDefault,
  type LoggedEvent,
  type NotificationLog,
  type Subscription,
} from "./notification-log.port.ts";

export class MemoryNotificationLog implements NotificationLog {
  private readonly logs = new Map<string, LoggedEvent[]>();
  private readonly seen = new Set<string>();
  private readonly cursors = new Map<string, string>();
  private readonly pods = new Map<string, Set<(entry: LoggedEvent) => void>>();
  private sequence = 0;

  constructor(private readonly userLogEntriesMax = userLogEntriesMaxDefault) {}

  async append(event: FileChangedEvent): Promise<{ entry: LoggedEvent; duplicate: boolean }> {
    const log = this.logs.get(event.userId) ?? [];
    this.logs.set(event.userId, log);
    if (this.seen.has(event.eventId)) {
      const earlier = log.find((e) => e.event.eventId === event.eventId);
      return { entry: earlier ?? { userId: event.userId, cursor: "0-0", event }, duplicate: true };
    }
    this.seen.add(event.eventId);
    const entry = { userId: event.userId, cursor: `${++this.sequence}-0`, event };
    log.push(entry);
    if (log.length > this.userLogEntriesMax) log.shift();
    return { entry, duplicate: false };
  }

  async readAfter(
    userId: string,
    afterCursor: string | undefined,
    limit: number,
  ): Promise<LoggedEvent[]> {
    const log = this.logs.get(userId) ?? [];
    return log
      .filter((e) => afterCursor === undefined || compareCursors(e.cursor, afterCursor) > 0)
      .slice(0, limit);
  }

  async headCursor(userId: string): Promise<string> {
    return this.logs.get(userId)?.at(-1)?.cursor ?? "0-0";
  }

  async saveDeviceCursor(userId: string, deviceId: string, cursor: string): Promise<void> {
    this.cursors.set(`${userId}\n${deviceId}`, cursor);
  }

  async deviceCursor(userId: string, deviceId: string): Promise<string | undefined> {
    return this.cursors.get(`${userId}\n${deviceId}`);
  }

  async sendToPod(podId: string, entry: LoggedEvent): Promise<void> {
    for (const handler of this.pods.get(podId) ?? []) queueMicrotask(() => handler(entry));
  }

  async onPodEntries(podId: string, handler: (entry: LoggedEvent) => void): Promise<Subscription> {
    const handlers = this.pods.get(podId) ?? new Set();
    this.pods.set(podId, handlers);
    handlers.add(handler);
    return { close: async () => void handlers.delete(handler) };
  }

  async close(): Promise<void> {
    this.pods.clear();
  }
}
