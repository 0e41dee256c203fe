// The monthly cost of the design for N users under one variant (V0 whole-file upload + 5 s
// polling, V1 block-level dedup + Kafka + polling, V2 delta + push + CDN), from the dated price
// table (price-table.ts) and a list of assumptions, each with its source: a design figure (its
// claim id) or ASSUMED. The capacity is the design's pod, shard and broker counts scaled with the
// user count (C14, C18, C24 at 700M users), or, for V2, the counts of a capacity plan that
// `simulate plan` sized over the simulator (formats/plan.schema.ts), priced as it states them.
import * as design from "../../formats/design.ts";
import type { CapacityPlanFile } from "../../formats/plan.schema.ts";
import { priceTable as defaultPrices, tieredUsd, type PriceTable } from "./price-table.ts";

export { variantNames, type VariantName } from "../../formats/design.ts";
type VariantName = design.VariantName;

const gb = 1e9;
const midpoint = (a: number, b: number) => (a + b) / 2;
const c29 = design.stated.C29;

/** Every assumption of the model: value, unit, and where it comes from. */
export function defaultAssumptions() {
  const a = (value: number, unit: string, source: string) => ({ value, unit, source });
  return {
    storedGBPerUser: a(
      (midpoint(c29.storagePBMin, c29.storagePBMax) * 1e15) / c29.usersCount / gb,
      "GB",
      "C29: 3-5 PB at 1M users after dedup, midpoint",
    ),
    dedupFraction: a(
      midpoint(c29.dedupFractionMin, c29.dedupFractionMax),
      "ratio",
      "C29: 30-50 % dedup, midpoint (V0 has no dedup and stores the logical bytes)",
    ),
    editsPerUserPerDay: a(design.stated.C35.editsPerDay, "edits", "C35's user, ASSUMED average"),
    deltaBytesPerEdit: a(design.stated.C01.deltaBytes, "B", "C01 (V2's upload per edit)"),
    editedFileMB: a(10, "MB", "ASSUMED: V0 re-uploads the whole edited file"),
    versionRetentionDays: a(30, "days", "the design: versions kept 30 days, then GC"),
    downloadsPerUpload: a(
      design.downloadsPerUpload,
      "ratio",
      "C15: each edit's block downloaded 3x",
    ),
    cdnHitRate: a(design.cdnHitRateMin, "ratio", "C13 (V2 only)"),
    connectedDevicesPerUser: a(
      design.connectedDevicesCount / design.usersCount,
      "devices",
      "C18 / C24: 100M connected devices at 700M users",
    ),
    pollIntervalS: a(design.stated.C20.pollIntervalS, "s", "C20 (V0 and V1 poll)"),
    pollsPerPodPerS: a(5_000, "1/s", "ASSUMED: an empty poll answer costs 0.4 ms of a 2-vCPU pod"),
    metadataBytesPerUser: a(
      1_000 * design.stated.C25.rowBytes,
      "B",
      "ASSUMED 1,000 files per user x C25's 500 B a row",
    ),
    usersAtDesignScale: a(
      design.usersCount,
      "users",
      "C24: the pod, shard and broker counts' scale",
    ),
  };
}

export type CostAssumptions = ReturnType<typeof defaultAssumptions>;

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly usdPerMonth: number;
  readonly basis: string;
}

export interface CostEstimate {
  readonly variant: VariantName;
  readonly usersCount: number;
  readonly usdPerMonth: number;
  readonly usdPerUserMonth: number;
  readonly lines: readonly CostLine[];
  readonly capacity: Readonly<Record<string, number>>;
  readonly assumptions: CostAssumptions;
  readonly prices: { readonly asOf: string; readonly region: string; readonly source: string };
  readonly notes: readonly string[];
}

/** Pods per pool (vCPU, GiB each, ASSUMED), scaled from the design's counts at 700M users. */
const podShape = {
  chunkService: { vcpu: 2, gib: 4 },
  downloadService: { vcpu: 1, gib: 2 },
  notificationService: { vcpu: 4, gib: 12 },
  gcWorker: { vcpu: 1, gib: 2 },
  poller: { vcpu: 2, gib: 4 },
} as const;

function scaled(count: number, users: number, a: CostAssumptions, min: number): number {
  return Math.max(min, Math.ceil((count * users) / a.usersAtDesignScale.value));
}

/**
 * Pods, shards, brokers and cache nodes for `users` under `variant`, from its flags
 * (reference-impl/core/variants.ts): multiAz doubles the minimum of every pool, push holds
 * connections (NotificationService + the Redis registry) where polling answers polls, the event
 * stream brings Kafka and the GcWorkers, shardedMetadata the design's shards.
 */
export function capacityPlan(variant: VariantName, users: number, a: CostAssumptions) {
  const flags = design.variants[variant];
  const min = flags.multiAz ? 2 : 1;
  const devices = users * a.connectedDevicesPerUser.value;
  const polling = flags.notify !== "push";
  return {
    chunkService: scaled(design.podCounts.chunkService, users, a, min),
    downloadService: scaled(design.podCounts.downloadService, users, a, min),
    notificationService: polling
      ? 0
      : Math.max(min, Math.ceil(devices / design.connectionsPerPodCount)),
    gcWorker: flags.eventStream ? scaled(design.podCounts.gcWorker, users, a, 1) : 0,
    poller: polling
      ? Math.max(min, Math.ceil(devices / a.pollIntervalS.value / a.pollsPerPodPerS.value))
      : 0,
    metadataShards: flags.shardedMetadata ? scaled(design.shardCount, users, a, 1) : 1,
    kafkaBrokers: flags.eventStream ? 3 : 0,
    cacheNodes: polling ? 0 : 2,
  };
}

export type CapacityPlan = ReturnType<typeof capacityPlan>;

/** V2's capacity from a `simulate plan` file: its counts, the rest (cache nodes) as scaled. */
export function capacityFromPlan(plan: CapacityPlanFile, a: CostAssumptions): CapacityPlan {
  const c = plan.counts;
  return {
    ...capacityPlan("V2", plan.users, a),
    chunkService: c.chunkService,
    downloadService: c.downloadService,
    notificationService: c.notificationService,
    gcWorker: c.gcWorker,
    metadataShards: c.metadataShards,
    kafkaBrokers: c.kafkaBrokers,
  };
}

function line(item: string, quantity: string, usdPerMonth: number, basis: string): CostLine {
  return { item, quantity, usdPerMonth, basis };
}

const n = (v: number) => Math.round(v).toLocaleString("en-US");

/** The pod shapes priced: the plan's ChunkService cores when a plan gives them (2 GiB a core). */
function podShapes(chunkServiceCores: number | undefined) {
  if (chunkServiceCores === undefined) return podShape;
  return { ...podShape, chunkService: { vcpu: chunkServiceCores, gib: 2 * chunkServiceCores } };
}

function computeLines(
  plan: CapacityPlan,
  p: PriceTable,
  shapes: ReturnType<typeof podShapes>,
): CostLine[] {
  const pools = [
    "chunkService",
    "downloadService",
    "notificationService",
    "gcWorker",
    "poller",
  ] as const;
  return pools
    .filter((pool) => plan[pool] > 0)
    .map((pool) => {
      const shape = shapes[pool];
      const usdPerPodHour =
        shape.vcpu * p.compute.usdPerVcpuHour + shape.gib * p.compute.usdPerGiBHour;
      return line(
        `compute ${pool}`,
        `${plan[pool]} pods x ${shape.vcpu} vCPU ${shape.gib} GiB`,
        plan[pool] * usdPerPodHour * p.hoursPerMonth,
        "compute.usdPerVcpuHour, usdPerGiBHour",
      );
    });
}

function dataLines(variant: VariantName, users: number, a: CostAssumptions, p: PriceTable) {
  const flags = design.variants[variant];
  const wholeFile = flags.upload === "whole-file";
  const days = p.hoursPerMonth / 24;
  const editsPerMonth = users * a.editsPerUserPerDay.value * days;
  const objectBytes = wholeFile ? a.editedFileMB.value * 1e6 : design.blockSizeBytes;
  const logicalGB = wholeFile
    ? a.storedGBPerUser.value / (1 - a.dedupFraction.value)
    : a.storedGBPerUser.value;
  const versionGB = (a.editsPerUserPerDay.value * a.versionRetentionDays.value * objectBytes) / gb;
  const storedGB = users * (logicalGB + versionGB);
  const downloads = editsPerMonth * a.downloadsPerUpload.value;
  const downloadGB = (downloads * objectBytes) / gb;
  const hit = flags.cdn ? a.cdnHitRate.value : 0;
  const baseReads = flags.upload === "delta" ? editsPerMonth : 0; // a delta's base block
  const gets = downloads * (1 - hit) + baseReads;
  const lines = [
    line(
      "S3 storage",
      `${n(storedGB)} GB (${logicalGB.toFixed(2)} GB/user + versions ` +
        `${versionGB.toFixed(2)} GB/user)`,
      tieredUsd(p.s3.storageTiers, storedGB),
      "s3.storageTiers",
    ),
    line(
      "S3 PUT",
      `${n(editsPerMonth)} objects written`,
      (editsPerMonth / 1000) * p.s3.usdPerThousandPuts,
      "s3.usdPerThousandPuts",
    ),
    line(
      "S3 GET",
      `${n(gets)} (downloads missing the CDN${baseReads > 0 ? ", base blocks" : ""})`,
      (gets / 1000) * p.s3.usdPerThousandGets,
      "s3.usdPerThousandGets",
    ),
  ];
  if (flags.cdn) {
    lines.push(
      line(
        "CloudFront egress",
        `${n(downloadGB)} GB`,
        tieredUsd(p.cloudFront.egressTiers, downloadGB),
        "cloudFront.egressTiers",
      ),
    );
    lines.push(
      line(
        "CloudFront requests",
        `${n(downloads)} requests`,
        (downloads / 10_000) * p.cloudFront.usdPerTenThousandHttpsRequests,
        "cloudFront.usdPerTenThousandHttpsRequests",
      ),
    );
  } else {
    lines.push(
      line(
        "S3 egress",
        `${n(downloadGB)} GB`,
        tieredUsd(p.s3.egressTiers, downloadGB),
        "s3.egressTiers",
      ),
    );
  }
  return lines;
}

function platformLines(
  variant: VariantName,
  users: number,
  plan: CapacityPlan,
  a: CostAssumptions,
  p: PriceTable,
): CostLine[] {
  const multiAz = design.variants[variant].multiAz ? 2 : 1;
  const metadataGB = (users * a.metadataBytesPerUser.value) / gb;
  const lines = [
    line(
      "MetadataDB instances",
      `${plan.metadataShards} x db.r6g.xlarge` + (multiAz > 1 ? " Multi-AZ" : " single-AZ"),
      plan.metadataShards * multiAz * p.rds.usdPerInstanceHour * p.hoursPerMonth,
      "rds.usdPerInstanceHour",
    ),
    line(
      "MetadataDB storage",
      `${n(metadataGB)} GB`,
      metadataGB * multiAz * p.rds.usdPerStorageGBMonth,
      "rds.usdPerStorageGBMonth",
    ),
    line(
      "load balancers",
      `${multiAz} ALB`,
      multiAz * p.loadBalancer.usdPerHour * p.hoursPerMonth,
      "loadBalancer.usdPerHour",
    ),
  ];
  if (plan.kafkaBrokers > 0) {
    lines.push(
      line(
        "Kafka (MSK)",
        `${plan.kafkaBrokers} x kafka.m5.large`,
        plan.kafkaBrokers * p.msk.usdPerBrokerHour * p.hoursPerMonth,
        "msk.usdPerBrokerHour",
      ),
    );
  }
  if (plan.cacheNodes > 0) {
    lines.push(
      line(
        "Redis registry",
        `${plan.cacheNodes} x cache.r6g.large`,
        plan.cacheNodes * p.elastiCache.usdPerNodeHour * p.hoursPerMonth,
        "elastiCache.usdPerNodeHour",
      ),
    );
  }
  return lines;
}

/** The monthly cost of `users` under `variant`, every line with its quantity and price entry. */
export function estimateCost(
  variant: VariantName,
  users: number,
  assumptions: CostAssumptions = defaultAssumptions(),
  prices: PriceTable = defaultPrices,
  sized?: CapacityPlanFile,
): CostEstimate {
  if (sized && (variant !== "V2" || sized.users !== users))
    throw new RangeError(
      `a capacity plan prices V2 at its own ${sized.users} users, not ${variant} at ${users}`,
    );
  const plan = sized
    ? capacityFromPlan(sized, assumptions)
    : capacityPlan(variant, users, assumptions);
  const lines = [
    ...computeLines(plan, prices, podShapes(sized?.chunkServiceCoresPerPod)),
    ...dataLines(variant, users, assumptions, prices),
    ...platformLines(variant, users, plan, assumptions, prices),
  ];
  const usdPerMonth = lines.reduce((sum, l) => sum + l.usdPerMonth, 0);
  return {
    variant,
    usersCount: users,
    usdPerMonth,
    usdPerUserMonth: usdPerMonth / users,
    lines,
    capacity: plan,
    assumptions,
    prices: { asOf: prices.asOf, region: prices.region, source: prices.source },
    notes: [
      sized
        ? `capacity: the counts of a \`simulate plan\` (seed ${sized.seed}, calibration ` +
          `${sized.calibration}, ρ ≤ ${sized.rhoMax}), ChunkService pods of ` +
          `${sized.chunkServiceCoresPerPod} vCPU as simulated; the Redis registry scaled`
        : "capacity: the design's pod, shard and broker counts (C14, C18, C24) scaled linearly " +
          "from 700M users; `cost --plan plan.json` prices a `simulate plan` instead",
      "ingress (uploads) is free on AWS: upload bytes cost requests and compute, not transfer",
      "not priced: Kafka storage, ALB LCUs, NAT and inter-AZ transfer, support, reserved discounts",
    ],
  };
}
