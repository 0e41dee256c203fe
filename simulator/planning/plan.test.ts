// The capacity plan on a small population (fast): NotificationService pods follow connection
// memory when it outweighs CPU, a ChunkService CPU per upload that overloads the utilisation
// law's count is grown by the search until the simulated ρ is under the margin, and the rows
// carry the design's counts beside the plan's.
import { describe, expect, it } from "vitest";
import { designDefaults } from "../models/design.ts";
import { planCapacity } from "./plan.ts";

const base = {
  users: 7_000_000,
  devicesPerUser: 2.5,
  params: designDefaults,
  seed: 5,
  durationS: 4,
  warmupS: 1,
  replications: 2,
};

describe("planCapacity", () => {
  it("sizes NotificationService pods by connection memory: 1M devices × 2 KiB over 10.24 GB per pod", () => {
    // 7M users × 2.5 × (100M / 1.75B) = 1M connected; 1M × 2048 B = 2.05 GB → 1 pod; at 0.1 GB per pod, 21.
    const plan = planCapacity({ ...base, podConnectionMemoryBytes: 0.1e9 });
    expect(plan.connectedDevices).toBe(1_000_000);
    const row = plan.rows.find((r) => r.resource === "notificationService pods")!;
    expect(row).toMatchObject({ design: 20, plan: 21 });
    expect(row.binding).toMatch(/^connections' memory/);
    expect(plan.ratePerS).toBeCloseTo(250, 9);
  });

  it("keeps every simulated station under the margin and names what bound each count", () => {
    const plan = planCapacity(base);
    for (const r of plan.rows) expect(r.binding).not.toBe("");
    const chunk = plan.rows.find((r) => r.resource === "chunkService pods")!;
    // 250/s × 0.2 × 30 ms = 1.5 busy cores on 16-core pods at ρ ≤ 0.7: 1 pod
    expect(chunk).toMatchObject({ design: 15, plan: 1 });
    // 60 events/s: a few GB over 7 days; the replication factor binds. The design's column is
    // its own 1M msg/s capacity: 1M × 512 B × 3 over 50 MB/s × 0.7 = 44 brokers.
    const brokers = plan.rows.find((r) => r.resource === "SyncStream brokers")!;
    expect(brokers).toMatchObject({ design: 44, plan: 3 });
    expect(brokers.binding).toMatch(/^the replication factor/);
    expect(plan.eventRatePerS).toBeCloseTo(60, 9);
    expect(plan.targets.length).toBeGreaterThan(0);
    for (const m of plan.targets) expect(m.stability).toBeUndefined();
  });

  it("doubles the shards while the simulated hottest shard is over the margin", () => {
    // One connection per shard and 6 ms queries: at 2,500/s the hottest of 64 shards is offered
    // ρ ≈ 1 (Zipf 0.99 over 7M users), which the utilisation law over all shards cannot see.
    const params = {
      ...designDefaults,
      shardPoolSize: 1,
      service: {
        ...designDefaults.service,
        "metadataDb.query": { kind: "deterministic", valueS: 0.006 } as const,
      },
    };
    const plan = planCapacity({ ...base, params, ratePerS: 2_500, rhoMax: 0.9 });
    const shards = plan.rows.find((r) => r.resource === "MetadataDB shards")!;
    expect(shards.plan).toBeGreaterThan(64);
    expect(shards.binding).toMatch(
      /^a shard's hot spot \(hottest shard ρ \d\.\d\d at \d+ shards\)$/,
    );
    expect(plan.iterations).toBeGreaterThan(0);
  }, 60_000);
});
