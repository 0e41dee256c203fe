// NotificationLog on Redis: a stream per user (`<prefix>log:<userId>`, XADD with MAXLEN ~, so the
// stream id is the cursor), a dedup key per eventId set in the same Lua script as the XADD, a hash
// of device cursors per user, and a pub/sub channel per pod (`<prefix>pod:<podId>`) on a second
// connection (a subscribed connection cannot send commands).
import { Redis } from "ioredis";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import {
  dedupTtlMsDefault,
  userLogEntriesMaxDefault,
  type LoggedEvent,
  type NotificationLog,
  type Subscription,
} from "./notification-log.port.ts";

export interface RedisNotificationLogConfig {
  readonly url: string;
  readonly keyPrefix?: string;
  readonly userLogEntriesMax?: number;
  readonly dedupTtlMs?: number;
}

// KEYS[1] dedup key, KEYS[2] stream; ARGV: ttl ms, maxlen, payload. Returns {duplicate, id}.
const appendOnce = `
local earlier = redis.call('GET', KEYS[1])
if earlier then return {1, earlier} end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3])
redis.call('SET', KEYS[1], id, 'PX', ARGV[1])
return {0, id}`;

export class RedisNotificationLog implements NotificationLog {
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(entry: LoggedEvent) => void>>();
  private readonly prefix: string;

  constructor(private readonly config: RedisNotificationLogConfig) {
    this.redis = new Redis(config.url, { maxRetriesPerRequest: 3, connectTimeout: 3000 });
    this.prefix = config.keyPrefix ?? "";
  }

  async append(event: FileChangedEvent): Promise<{ entry: LoggedEvent; duplicate: boolean }> {
    const reply = (await this.redis.eval(
      appendOnce,
      2,
      `${this.prefix}seen:${event.eventId}`,
      `${this.prefix}log:${event.userId}`,
      this.config.dedupTtlMs ?? dedupTtlMsDefault,
      this.config.userLogEntriesMax ?? userLogEntriesMaxDefault,
      JSON.stringify(event),
    )) as [number, string];
    return { entry: { userId: event.userId, cursor: reply[1], event }, duplicate: reply[0] === 1 };
  }

  async readAfter(
    userId: string,
    afterCursor: string | undefined,
    limit: number,
  ): Promise<LoggedEvent[]> {
    const start = afterCursor === undefined ? "-" : `(${afterCursor}`;
    const rows = await this.redis.xrange(`${this.prefix}log:${userId}`, start, "+", "COUNT", limit);
    return rows.map(([cursor, fields]) => ({
      userId,
      cursor,
      event: JSON.parse(fields[1] ?? "null") as FileChangedEvent,
    }));
  }

  async headCursor(userId: string): Promise<string> {
    const rows = await this.redis.xrevrange(`${this.prefix}log:${userId}`, "+", "-", "COUNT", 1);
    return rows[0]?.[0] ?? "0-0";
  }

  async saveDeviceCursor(userId: string, deviceId: string, cursor: string): Promise<void> {
    await this.redis.hset(`${this.prefix}cursor:${userId}`, deviceId, cursor);
  }

  async deviceCursor(userId: string, deviceId: string): Promise<string | undefined> {
    return (await this.redis.hget(`${this.prefix}cursor:${userId}`, deviceId)) ?? undefined;
  }

  async sendToPod(podId: string, entry: LoggedEvent): Promise<void> {
    await this.redis.publish(`${this.prefix}pod:${podId}`, JSON.stringify(entry));
  }

  async onPodEntries(podId: string, handler: (entry: LoggedEvent) => void): Promise<Subscription> {
    const channel = `${this.prefix}pod:${podId}`;
    if (!this.subscriber) {
      const subscriber = new Redis(this.config.url, {
        maxRetriesPerRequest: 3,
        connectTimeout: 3000,
      });
      subscriber.on("message", (from: string, text: string) => {
        const entry = JSON.parse(text) as LoggedEvent;
        for (const h of this.handlers.get(from) ?? []) h(entry);
      });
      this.subscriber = subscriber;
    }
    const set = this.handlers.get(channel) ?? new Set();
    this.handlers.set(channel, set);
    set.add(handler);
    await this.subscriber.subscribe(channel);
    return {
      close: async () => {
        set.delete(handler);
        if (set.size === 0) await this.subscriber?.unsubscribe(channel);
      },
    };
  }

  async close(): Promise<void> {
    await this.subscriber?.quit();
    await this.redis.quit();
  }
}
