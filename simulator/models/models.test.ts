// Component models against their oracles: the LRU cache against Che's approximation, the
// cohort rolling deploy against the backoff closed forms (no contention: one attempt each,
// first attempts uniform on (0, b); with contention: drain time ≥ D/K), shard shares against
// a direct sum, and the architecture network's Little's law and determinism.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runExperiment } from "../experiments/experiment.ts";
import { findExperiment } from "../experiments/index.ts";
import { architectureNetwork } from "./architecture.ts";
import { backoffMeanTimeS, backoffPolicies } from "./backoff.ts";
import { cheHitRate, LruCache, simulateCdn } from "./cdn.ts";
import { designDefaults } from "./design.ts";
import { shardShares } from "./metadata-shards.ts";
import { simulateNetwork, userShard } from "./network.ts";
import { simulateRollingDeploy } from "./population.ts";

const fullJitter = backoffPolicies[0]!;
const deploy = {
  devices: 1e6,
  pods: 20,
  podsPerWave: 3,
  waves: 1,
  restartS: 20,
  notificationsPerDevicePerS: 1e-4,
  bucketS: 0.001,
  settleS: 0,
  horizonS: 3600,
};

describe("CDN LRU", () => {
  it("evicts the least recently used block", () => {
    const c = new LruCache(2);
    expect([
      c.access(1),
      c.access(2),
      c.access(1),
      c.access(3),
      c.access(2),
      c.access(1),
      c.access(2),
    ]).toEqual([false, false, true, false, false, false, true]);
  });

  it("hit rate under Zipf(1e5, 0.9) with C = 1e4 is within 0.01 of Che's approximation", () => {
    // Che's approximation is asymptotically exact (Fricker et al. 2012); the sampling sd of a
    // 1e6-request hit rate is < 0.001, so 0.01 absolute bounds the approximation error itself.
    const r = simulateCdn({
      catalogueBlocks: 1e5,
      zipfSkew: 0.9,
      cacheBlocks: 1e4,
      sharedFraction: 1,
      devicesPerUser: 2.5,
      recentPrivateBlocks: 100,
      requests: 1e6,
      warmupRequests: 3e5,
      seed: 4,
    });
    expect(Math.abs(r.hitRate - cheHitRate(1e5, 0.9, 1e4))).toBeLessThan(0.01);
  });
});

describe("rolling deploy cohorts", () => {
  it("without contention every device reconnects on its first attempt, uniformly over (0, 0.5 s)", () => {
    const r = simulateRollingDeploy({ ...deploy, handshakesPerPodPerS: 1e12, policy: fullJitter });
    expect(r.attemptsPerReconnect).toBeCloseTo(1, 6);
    expect(Math.abs(r.waves[0]!.recovery99S - 0.99 * 0.5)).toBeLessThan(0.003);
    expect(Math.abs(r.attemptRatePeakPerS - 150_000 / 0.5) / 300_000).toBeLessThan(0.01);
  });

  it("with K handshakes/s the wave cannot drain faster than D/K, and attempts exceed one", () => {
    const r = simulateRollingDeploy({ ...deploy, handshakesPerPodPerS: 500, policy: fullJitter });
    const bound = 150_000 / (17 * 500);
    expect(r.waves[0]!.recovery999S).toBeGreaterThan(0.999 * bound);
    expect(r.attemptsPerReconnect).toBeGreaterThan(1);
    expect(r.stateBytes / 1e6).toBeLessThan(8); // ≤ 8 bytes per connection, far below
  });

  it("the independent-p oracle: E[attempts] = 1/p and E[T] grows with the windows", () => {
    const { attempts, meanTimeS } = backoffMeanTimeS(fullJitter, 0.5);
    expect(attempts).toBe(2);
    expect(meanTimeS).toBeCloseTo(
      0.25 +
        0.5 * 0.5 +
        0.25 * 1 +
        0.125 * 2 +
        0.0625 * 4 +
        0.03125 * 8 +
        0.015625 * 15 * (1 / (1 - 0.5)),
      2,
    );
  });
});

describe("MetadataDB shards", () => {
  it("shardShares equals the direct sum when every user is summed exactly", () => {
    const n = 5000,
      s = 1.1,
      direct = new Float64Array(64);
    let h = 0;
    for (let u = 1; u <= n; u++) {
      direct[userShard(u - 1, 64)]! += u ** -s;
      h += u ** -s;
    }
    const shares = shardShares(n, s, 64);
    shares.forEach((x, k) => expect(x).toBeCloseTo(direct[k]! / h, 12));
  });
});

describe("architecture network", () => {
  it("satisfies Little's law over the run and drains completely at the design peak", () => {
    const r = simulateNetwork(
      architectureNetwork(designDefaults, { durationS: 2, warmupS: 0.5, seed: 3 }),
    );
    expect(r.unfinished).toBe(0);
    expect(
      Math.abs(r.little.numberInSystem - r.little.lambdaW) / r.little.numberInSystem,
    ).toBeLessThan(1e-9);
    expect(r.latency.get("deltaUpload")!.count).toBeGreaterThan(5000);
  });

  it("same seed, byte-identical projection; another seed, a different one", () => {
    const hash = (seed: number) =>
      createHash("sha256")
        .update(
          JSON.stringify(
            runExperiment(
              findExperiment("design-peak")!,
              {
                seed,
                replications: 2,
                params: designDefaults,
                durationS: 1,
                warmupS: 0.2,
                devices: 1e8,
              },
              { source: "design-defaults", parts: [] },
            ),
          ),
        )
        .digest("hex");
    expect(hash(7)).toBe(hash(7));
    expect(hash(8)).not.toBe(hash(7));
  });
});

describe("network stability", () => {
  const spec = (ratePerS: number, durationS = 60) => ({
    stations: [
      { name: "pool", servers: 1, service: { kind: "exponential", meanS: 0.01 } as const },
    ],
    classes: [{ name: "job", ratePerS, steps: [{ station: "pool" }] }],
    users: { count: 1000, zipfSkew: 0.5 },
    partitionCount: 1,
    durationS,
    warmupS: 5,
    seed: 3,
  });

  it("measures a stable station's offered ρ and finds its halves alike", () => {
    // M/M/1 sojourns are correlated over ~1/(μ(1−√ρ)²) s: halves of 30 s differ by 20 %, of
    // 300 s by a few %; λ = 50/s × 10 ms: ρ = 0.5, from ~30,000 arrivals (standard error < 0.01)
    const r = simulateNetwork(spec(50, 600));
    const station = r.stations[0]!;
    expect(Math.abs(station.offeredRhoMax - 0.5)).toBeLessThan(0.05);
    const h = r.latencyHalves.get("job")!;
    expect(Math.abs(h.second - h.first) / h.first).toBeLessThan(0.1);
  });

  it("reports an overloaded station's offered ρ ≥ 1 and a latency that grows between halves", () => {
    const r = simulateNetwork(spec(150));
    expect(r.stations[0]!.offeredRhoMax).toBeGreaterThan(1);
    const h = r.latencyHalves.get("job")!;
    expect(h.second).toBeGreaterThan(1.5 * h.first);
    expect(r.stations[0]!.waitMeanHalvesS[1]).toBeGreaterThan(r.stations[0]!.waitMeanHalvesS[0]);
  });
});

describe("offered load counted at the source", () => {
  // upstream: 1 server × 10 ms at 150/s (ρ 1.5, throughput capped near 100/s); each job spawns
  // an event for downstream: 1 server × 8 ms. Offered 150/s × 8 ms = 1.2, but only ~100/s get
  // through the upstream queue (ρ ≈ 0.8 by arrivals): the source count must say 1.2.
  const spec = {
    stations: [
      { name: "upstream", servers: 1, service: { kind: "exponential", meanS: 0.01 } as const },
      { name: "downstream", servers: 1, service: { kind: "exponential", meanS: 0.008 } as const },
    ],
    classes: [
      { name: "job", ratePerS: 150, steps: [{ station: "upstream" }, { spawn: "event" }] },
      { name: "event", ratePerS: 0, steps: [{ station: "downstream" }] },
    ],
    users: { count: 1000, zipfSkew: 0.5 },
    partitionCount: 1,
    durationS: 40,
    warmupS: 5,
    seed: 3,
  };

  it("a saturated station upstream does not hide the load offered downstream", () => {
    const r = simulateNetwork(spec);
    const down = r.stations.find((s) => s.name === "downstream")!;
    expect(down.offeredRhoMax).toBeGreaterThan(1.1);
    expect(down.offeredRhoMax).toBeLessThan(1.3);
    const up = r.stations.find((s) => s.name === "upstream")!;
    expect(up.queueLengthAtEnd).toBeGreaterThan(up.queueLengthAtMid);
  });

  it("a spawned class's figure rests on the stations of the class that spawns it", () => {
    const r = simulateNetwork(spec);
    expect(r.classStations.get("event")).toEqual(["downstream", "upstream"]);
    expect(r.classStations.get("job")).toEqual(["upstream"]);
  });
});
