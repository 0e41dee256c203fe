// `simulate plan`'s two outputs beyond its table: the plan as the versioned file `cost --plan`
// reads (formats/plan.schema.ts), and its monthly cost from the cost model beside the design's.
import { checkPlan, type CapacityPlanFile } from "../formats/plan.schema.ts";
import { defaultAssumptions, estimateCost } from "../reports/cost/cost-model.ts";
import { priceTable } from "../reports/cost/price-table.ts";
import type { Plan } from "../simulator/planning/plan.ts";

/** V2's monthly cost at the plan's counts and at the design's scaled, whole and the part they size. */
export function planCost(file: CapacityPlanFile) {
  const design = estimateCost("V2", file.users);
  const plan = estimateCost("V2", file.users, defaultAssumptions(), priceTable, file);
  const sized = (e: typeof plan) =>
    e.lines
      .filter((l) => l.item.startsWith("compute ") || /^(MetadataDB instances|Kafka)/.test(l.item))
      .reduce((sum, l) => sum + l.usdPerMonth, 0);
  return {
    plan: plan.usdPerMonth,
    design: design.usdPerMonth,
    planSized: sized(plan),
    designSized: sized(design),
  };
}

/** The plan as the versioned file `cost --plan` reads (formats/plan.schema.ts), checked. */
export function planFile(
  plan: Plan,
  o: { seed: number; calibration: string | undefined; users: number; devicesPerUser: number },
): CapacityPlanFile {
  const count = (resource: string) => plan.rows.find((r) => r.resource === resource)!.plan;
  return checkPlan(
    {
      schemaVersion: 1,
      kind: "syncbench.plan",
      seed: o.seed,
      calibration: o.calibration ?? "design-defaults",
      users: o.users,
      devicesPerUser: o.devicesPerUser,
      ratePerS: plan.ratePerS,
      connectedDevices: plan.connectedDevices,
      eventRatePerS: plan.eventRatePerS,
      rhoMax: plan.rhoMax,
      counts: {
        apiGateway: count("apiGateway pods"),
        uploadLb: count("uploadLb pods"),
        downloadLb: count("downloadLb pods"),
        chunkService: count("chunkService pods"),
        downloadService: count("downloadService pods"),
        notificationService: count("notificationService pods"),
        gcWorker: count("gcWorker workers"),
        metadataShards: count("MetadataDB shards"),
        kafkaPartitions: count("SyncStream partitions"),
        kafkaBrokers: count("SyncStream brokers"),
      },
      chunkServiceCoresPerPod: plan.chunkServiceCoresPerPod,
      rows: plan.rows,
      notes: plan.notes,
    },
    "of simulate plan",
  );
}
