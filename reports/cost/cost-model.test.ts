// The cost model: lines add up to the total, tiers charge each slice at its rate, a changed
// price or assumption moves the total, and the ledger's cost verdicts (C31, C32) follow the table.
import { describe, expect, it } from "vitest";
import { evaluateClaims, ledgerInputs } from "../claims/ledger.ts";
import { checkPlan } from "../../formats/plan.schema.ts";
import { defaultAssumptions, estimateCost } from "./cost-model.ts";
import { priceTable, tieredUsd } from "./price-table.ts";

describe("cost model", () => {
  it("charges tiered prices slice by slice", () => {
    const tiers = [
      { upToGB: 10, usdPerGB: 1 },
      { upToGB: Infinity, usdPerGB: 0.5 },
    ];
    expect(tieredUsd(tiers, 4)).toBe(4);
    expect(tieredUsd(tiers, 30)).toBe(10 + 10);
  });

  it("adds its lines to the total and lists every assumption", () => {
    const e = estimateCost("V2", 700_000_000);
    expect(e.usdPerMonth).toBeCloseTo(e.lines.reduce((s, l) => s + l.usdPerMonth, 0));
    expect(e.usdPerUserMonth).toBeCloseTo(e.usdPerMonth / 700_000_000);
    expect(e.capacity.notificationService).toBe(20); // C18's pods at the design's scale
    expect(Object.keys(e.assumptions)).toContain("cdnHitRate");
    expect(e.prices.asOf).toBe(priceTable.asOf);
  });

  it("moves with an assumption, and V0 pays for polling where V2 pays for push", () => {
    const a = defaultAssumptions();
    const base = estimateCost("V2", 1_000_000, a).usdPerMonth;
    a.editsPerUserPerDay.value *= 2;
    expect(estimateCost("V2", 1_000_000, a).usdPerMonth).toBeGreaterThan(base);
    expect(estimateCost("V0", 1_000_000).capacity.poller).toBeGreaterThan(0);
    expect(estimateCost("V2", 1_000_000).capacity.poller).toBe(0);
  });

  it("decides C32 from the price table: a dearer CDN fails it", () => {
    const inputs = ledgerInputs();
    expect(evaluateClaims(inputs).find((r) => r.id === "C32")!.verdict).toBe("holds");
    const dear = {
      ...inputs,
      prices: {
        ...priceTable,
        cloudFront: {
          ...priceTable.cloudFront,
          egressTiers: [{ upToGB: Infinity, usdPerGB: 0.12 }],
        },
      },
    };
    expect(evaluateClaims(dear).find((r) => r.id === "C32")!.verdict).toBe("fails");
  });

  it("prices a simulate plan's counts and its ChunkService pods' cores, not the scaled design", () => {
    const counts = {
      apiGateway: 1,
      uploadLb: 1,
      downloadLb: 1,
      chunkService: 14,
      downloadService: 1,
      notificationService: 20,
      gcWorker: 15,
      metadataShards: 64,
      kafkaPartitions: 64,
      kafkaBrokers: 8,
    };
    const plan = checkPlan(
      {
        schemaVersion: 1,
        kind: "syncbench.plan",
        seed: 42,
        calibration: "design-defaults",
        users: 700_000_000,
        devicesPerUser: 2.5,
        ratePerS: 25_000,
        connectedDevices: 100_000_000,
        eventRatePerS: 6_000,
        rhoMax: 0.7,
        counts,
        chunkServiceCoresPerPod: 16,
        rows: [],
        notes: [],
      },
      "(test)",
    );
    const e = estimateCost("V2", 700_000_000, defaultAssumptions(), priceTable, plan);
    expect(e.capacity).toMatchObject({ chunkService: 14, downloadService: 1, kafkaBrokers: 8 });
    const chunk = e.lines.find((l) => l.item === "compute chunkService")!;
    expect(chunk.quantity).toBe("14 pods x 16 vCPU 32 GiB");
    const kafka = e.lines.find((l) => l.item === "Kafka (MSK)")!;
    expect(kafka.usdPerMonth).toBeCloseTo(
      8 * priceTable.msk.usdPerBrokerHour * priceTable.hoursPerMonth,
    );
    expect(() => estimateCost("V1", 700_000_000, defaultAssumptions(), priceTable, plan)).toThrow(
      /prices V2 at its own 700000000 users/,
    );
  });
});
