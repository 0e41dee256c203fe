// Registry on Redis: one hash per user (`<prefix>conn:<userId>`: deviceId -> podId), refreshed with
// a TTL on every register. Compare-and-delete runs as a Lua script, so a stale pod's unregister
// never removes a device that has reconnected to another pod.
import { Redis } from "ioredis";
import type { DeviceLocation, Registry } from "./registry.port.ts";
import { registryEntryTtlMsDefault } from "./registry.port.ts";

export interface RedisRegistryConfig {
  readonly url: string;
  readonly keyPrefix?: string;
  readonly entryTtlMs?: number;
}

const compareAndDelete = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`;

export class RedisRegistry implements Registry {
  private readonly redis: Redis;
  private readonly ttlMs: number;

  constructor(private readonly config: RedisRegistryConfig) {
    this.redis = new Redis(config.url, {
      maxRetriesPerRequest: 3,
      connectTimeout: 3000,
      lazyConnect: false,
    });
    this.ttlMs = config.entryTtlMs ?? registryEntryTtlMsDefault;
  }

  private key(userId: string): string {
    return `${this.config.keyPrefix ?? ""}conn:${userId}`;
  }

  async register(userId: string, deviceId: string, podId: string): Promise<void> {
    const replies = await this.redis
      .multi()
      .hset(this.key(userId), deviceId, podId)
      .pexpire(this.key(userId), this.ttlMs)
      .exec();
    const failed = replies?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed; // a command of the transaction failed: the entry may be incomplete
  }

  async unregister(userId: string, deviceId: string, podId: string): Promise<boolean> {
    const removed = await this.redis.eval(compareAndDelete, 1, this.key(userId), deviceId, podId);
    return removed === 1;
  }

  async devicesOf(userId: string): Promise<DeviceLocation[]> {
    const entries = await this.redis.hgetall(this.key(userId));
    return Object.entries(entries)
      .map(([deviceId, podId]) => ({ deviceId, podId }))
      .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
