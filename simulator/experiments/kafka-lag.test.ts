// kafka-lag at 2x is 2x at Kafka: the pools in front of it are sized for the scaled rate (the
// design's 15 ChunkService pods would run at offered ρ 1.25 and pass on only their throughput),
// and the GC workers, kept at the design's 15, are offered 2 × 0.65 ≈ 1.3: unstable, no figure.
import { describe, expect, it } from "vitest";
import { designDefaults } from "../models/design.ts";
import { runExperiment } from "./experiment.ts";
import { findExperiment } from "./index.ts";

describe("kafka-lag", () => {
  it("offers Kafka the whole 2x and calls the GC workers unstable", () => {
    const p = runExperiment(
      findExperiment("kafka-lag")!,
      { seed: 3, replications: 2, params: designDefaults, durationS: 3, warmupS: 1, devices: 1 },
      { source: "design-defaults", parts: [] },
    );
    expect(p.notes.some((n) => /^x2: apiGateway \d+, chunkService 27 pods/.test(n))).toBe(true);
    const gc = p.metrics.find((m) => m.name === "x2.kafkaGcWorker.lagMsP99")!;
    expect(gc.stability?.status).toBe("unstable");
    expect(gc.stability!.offeredRho).toBeGreaterThan(1.2);
    expect(gc.target!.verdict).toBe("fails");
    const notify = p.metrics.find((m) => m.name === "x2.kafkaNotifyPartition.lagMsP99")!;
    expect(notify.stability).toBeUndefined();
  }, 120_000);
});
