// Broker counting: each of the four bounds (replication, partitions, write throughput, retention)
// binds when it is the largest, with the arithmetic written out beside each expectation.
import { describe, expect, it } from "vitest";
import { countBrokers } from "./kafka-brokers.ts";

const base = { partitions: 64, throughputMsgPerS: 0, retainedMsgPerS: 0, fillMax: 0.7 };

describe("countBrokers", () => {
  it("never goes under the replication factor", () => {
    expect(countBrokers(base)).toMatchObject({ brokers: 3 });
    expect(countBrokers(base).binding).toMatch(/^the replication factor/);
  });

  it("counts partition replicas: 2,000 partitions × 3 / 1,000 per broker = 6", () => {
    const r = countBrokers({ ...base, partitions: 2_000 });
    expect(r.brokers).toBe(6);
    expect(r.binding).toMatch(/^partitions/);
  });

  it("counts retention: 6,000 msg/s × 512 B × 7 days × 3 = 5.57 TB over 1 TB × 0.7 = 8", () => {
    const r = countBrokers({ ...base, throughputMsgPerS: 6_000, retainedMsgPerS: 6_000 });
    expect(r.brokers).toBe(8);
    expect(r.binding).toMatch(/^retention \(6,000 msg\/s × 512 B × 7 days × 3 = 5573\.8 GB/);
  });

  it("counts write throughput: 1M msg/s × 512 B × 3 = 1,536 MB/s over 50 MB/s × 0.7 = 44", () => {
    const r = countBrokers({ ...base, throughputMsgPerS: 1e6, retainedMsgPerS: 6_000 });
    expect(r.brokers).toBe(44);
    expect(r.binding).toMatch(/^a broker's write throughput/);
  });

  it("takes a broker's capacities as inputs", () => {
    const r = countBrokers({
      ...base,
      throughputMsgPerS: 6_000,
      retainedMsgPerS: 6_000,
      assumptions: { storageBytesPerBroker: 16_000e9 },
    });
    expect(r.brokers).toBe(3); // 5.57 TB over 16 TB × 0.7: one broker's disk; replication binds
  });
});
