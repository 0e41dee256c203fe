// Runs the Registry contract against the stack's real Redis under a key prefix unique to this run,
// and checks that an entry expires when its pod stops refreshing it.
import { describe, expect, it } from "vitest";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { registryContract } from "../contract/registry.contract.ts";
import { runId, uniqueName } from "../contract/contract-helpers.ts";
import { RedisRegistry } from "./registry.redis.ts";

const { redisUrl } = stackEndpoints();
const keyPrefix = `contract-${runId}:`;

registryContract("redis", async () => new RedisRegistry({ url: redisUrl, keyPrefix }));

describe("RedisRegistry on real Redis", () => {
  it("drops a user's entries once the TTL passes without a refresh", async () => {
    // A TTL long against one Redis round trip on a busy machine, then a wait on the entry's
    // disappearance (bounded), not a sleep: expiry that never happens fails at the deadline.
    const ttlMs = 2_000;
    const registry = new RedisRegistry({ url: redisUrl, keyPrefix, entryTtlMs: ttlMs });
    try {
      const user = uniqueName("ttl");
      await registry.register(user, "phone", "pod-1");
      expect(await registry.devicesOf(user)).toHaveLength(1);
      const deadline = Date.now() + ttlMs + 30_000;
      let devices = await registry.devicesOf(user);
      while (devices.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        devices = await registry.devicesOf(user);
      }
      expect(devices).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});
