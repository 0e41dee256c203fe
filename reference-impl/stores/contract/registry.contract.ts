// The Registry contract, run against the memory adapter (unit) and Redis (integration).
import { describe, expect, it } from "vitest";
import type { Registry } from "../registry/registry.port.ts";
import { uniqueName, withAdapter } from "./contract-helpers.ts";

export function registryContract(adapterName: string, open: () => Promise<Registry>): void {
  describe(`Registry contract (${adapterName})`, () => {
    const withRegistry = withAdapter(open);

    it("lists each registered device of a user with its pod, and no other user's", () =>
      withRegistry(async (r) => {
        const [user, other] = [uniqueName("u"), uniqueName("v")];
        await r.register(user, "phone", "pod-1");
        await r.register(user, "laptop", "pod-2");
        await r.register(other, "tablet", "pod-1");
        expect(await r.devicesOf(user)).toEqual([
          { deviceId: "laptop", podId: "pod-2" },
          { deviceId: "phone", podId: "pod-1" },
        ]);
      }));

    it("a reconnect to another pod replaces the entry; the old pod's unregister leaves it", () =>
      withRegistry(async (r) => {
        const user = uniqueName("u");
        await r.register(user, "phone", "pod-1");
        await r.register(user, "phone", "pod-7");
        expect(await r.unregister(user, "phone", "pod-1")).toBe(false);
        expect(await r.devicesOf(user)).toEqual([{ deviceId: "phone", podId: "pod-7" }]);
        expect(await r.unregister(user, "phone", "pod-7")).toBe(true);
        expect(await r.devicesOf(user)).toEqual([]);
      }));
  });
}
