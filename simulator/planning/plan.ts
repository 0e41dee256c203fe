// `simulate plan`: the smallest counts per service that keep every station's offered load
// under a stated margin (ρ ≤ 0.7 by default) at a given population, found by search over the
// simulator: start from the utilisation law, simulate, grow whatever the run shows over the
// margin (a pool's pods, the shards when the hottest shard is over, the GC workers or the
// partitions), and repeat until no station is; then simulate the plan with replications and
// judge every latency target on it. NotificationService pods are sized by connection memory
// too (C18/C19: connected devices × bytes per connection over the memory a pod gives to
// connections), and Kafka brokers by arithmetic on the plan's event rate (kafka-brokers.ts).
// The binding constraint of each count is the one that set it.
import {
  stated,
  connectedDevicesCount,
  connectionsPerPodCount,
  devicesPerUserMean,
  memoryBytesPerConnection,
  usersCount,
} from "../../reference-impl/core/design-figures.ts";
import { moments } from "../core/variates.ts";
import { architectureNetwork } from "../models/architecture.ts";
import type { ArchitectureParameters, PoolName } from "../models/design.ts";
import { simulateNetwork, type NetworkResult } from "../models/network.ts";
import { recordNetwork } from "../experiments/design-peak.ts";
import { replicationSeed, type ExperimentOutput } from "../experiments/experiment.ts";
import { MetricCollector, round } from "../projection/collector.ts";
import type { ProjectionMetric } from "../../formats/projection.schema.ts";
import { brokerDefaults, countBrokers, type BrokerAssumptions } from "./kafka-brokers.ts";

export interface PlanInput {
  readonly users: number;
  readonly devicesPerUser: number;
  /** Requests per second at the peak; default the design's 25K scaled by users / 700M. */
  readonly ratePerS?: number;
  /** Connected share of all devices; default the design's 100M of 700M × 2.5. */
  readonly connectedFraction?: number;
  readonly bytesPerConnection?: number;
  /** Memory a NotificationService pod gives to connections; default the design's 5M × 2 KiB. */
  readonly podConnectionMemoryBytes?: number;
  /** Highest offered ρ any station may run at (the margin). */
  readonly rhoMax?: number;
  /** A Kafka broker's capacities; default brokerDefaults (ASSUMED, printed). */
  readonly brokers?: Partial<BrokerAssumptions>;
  readonly params: ArchitectureParameters;
  readonly seed: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly replications: number;
}

export interface PlanRow {
  readonly resource: string;
  readonly design: number;
  readonly plan: number;
  readonly binding: string;
}

export interface Plan {
  readonly ratePerS: number;
  readonly connectedDevices: number;
  readonly rhoMax: number;
  /** file_changed events per second at the plan's rate: what the brokers were counted for. */
  readonly eventRatePerS: number;
  readonly brokerAssumptions: BrokerAssumptions;
  /** Cores of one ChunkService pod (its workers: the one CPU-bound pool), for the cost model. */
  readonly chunkServiceCoresPerPod: number;
  readonly rows: readonly PlanRow[];
  readonly targets: readonly ProjectionMetric[];
  readonly iterations: number;
  readonly events: number;
  readonly notes: readonly string[];
}

const searchIterationsMax = 12;
const shardCountMax = 4096;

/** The stations each sized pool's servers serve. */
const poolStations: ReadonlyArray<{ pool: PoolName; stations: readonly string[]; what: string }> = [
  { pool: "apiGateway", stations: ["apiGateway"], what: "CPU" },
  { pool: "uploadLb", stations: ["uploadLb"], what: "CPU" },
  { pool: "downloadLb", stations: ["downloadLb"], what: "CPU" },
  { pool: "chunkService", stations: ["chunkService", "chunkServiceVerify"], what: "CPU" },
  { pool: "downloadService", stations: ["downloadService"], what: "CPU" },
  { pool: "notificationService", stations: ["notificationService"], what: "CPU (fan-out)" },
];

export function planCapacity(input: PlanInput): Plan {
  const rhoMax = input.rhoMax ?? 0.7;
  const design = input.params;
  const ratePerS = input.ratePerS ?? (design.peakRps * input.users) / usersCount;
  const connectedFraction =
    input.connectedFraction ?? connectedDevicesCount / (usersCount * devicesPerUserMean);
  const connectedDevices = Math.round(input.users * input.devicesPerUser * connectedFraction);
  const bytesPerConnection = input.bytesPerConnection ?? memoryBytesPerConnection;
  const podMemory =
    input.podConnectionMemoryBytes ?? connectionsPerPodCount * memoryBytesPerConnection;
  const memoryPods = Math.ceil((connectedDevices * bytesPerConnection) / podMemory);
  let p: ArchitectureParameters = {
    ...design,
    peakRps: ratePerS,
    devicesPerUser: input.devicesPerUser,
    users: { ...design.users, count: input.users },
    pods: { ...design.pods, ...utilisationLawPods(design, ratePerS, rhoMax) },
  };
  const binding = new Map<string, string>();
  for (const s of poolStations) binding.set(s.pool, `${s.what} (utilisation law)`);
  binding.set("gcWorker", "kept (design)");
  binding.set("shards", "kept (design)");
  binding.set("partitions", "kept (design)");
  if (memoryPods > p.pods.notificationService) {
    p = { ...p, pods: { ...p.pods, notificationService: memoryPods } };
    binding.set(
      "notificationService",
      `connections' memory (${connectedDevices} × ${bytesPerConnection} B / ` +
        `${(podMemory / 1e9).toFixed(2)} GB per pod)`,
    );
  }
  let iterations = 0,
    events = 0;
  for (; iterations < searchIterationsMax; iterations++) {
    const result = simulateNetwork(
      architectureNetwork(p, {
        durationS: input.durationS,
        warmupS: input.warmupS,
        seed: replicationSeed(input.seed, iterations),
      }),
    );
    events += result.events;
    const grown = grow(p, result, rhoMax, binding);
    if (!grown) {
      annotate(result, binding);
      break;
    }
    p = grown;
  }
  const out = simulatePlan(p, input);
  const kafka = brokersFor(design, ratePerS, p.partitionCount, rhoMax, input.brokers);
  const rows: PlanRow[] = [
    ...poolStations.map((s) => ({
      resource: `${s.pool} pods`,
      design: design.pods[s.pool],
      plan: p.pods[s.pool],
      binding: binding.get(s.pool)!,
    })),
    {
      resource: "gcWorker workers",
      design: design.pods.gcWorker,
      plan: p.pods.gcWorker,
      binding: binding.get("gcWorker")!,
    },
    {
      resource: "MetadataDB shards",
      design: design.shardCount,
      plan: p.shardCount,
      binding: binding.get("shards")!,
    },
    {
      resource: "SyncStream partitions",
      design: design.partitionCount,
      plan: p.partitionCount,
      binding: binding.get("partitions")!,
    },
    {
      resource: "SyncStream brokers",
      design: kafka.design.brokers,
      plan: kafka.plan.brokers,
      binding: kafka.plan.binding,
    },
  ];
  const notes = [
    `margin: every station's offered ρ ≤ ${rhoMax} (hottest member for shards, partitions and GC workers)`,
    `connected devices ${connectedDevices} = ${input.users} users × ${input.devicesPerUser} × ${round(connectedFraction)} connected ` +
      `(the design's ${connectedDevicesCount} of ${usersCount} × ${devicesPerUserMean})`,
    kafka.note,
  ];
  const targets = out.collector.metrics().filter((m) => m.target);
  const fixed = targets.filter((m) => m.target!.verdict === "fails" && !m.stability);
  if (fixed.length > 0 && iterations < searchIterationsMax) {
    notes.push(
      `${fixed.map((m) => `${m.name} (${m.target!.claims.join(",")})`).join(", ")} fail with every station ` +
        `under ρ ${rhoMax}: more pods do not move them (the path's fixed delays: S3, CDN, network)`,
    );
  }
  if (iterations === searchIterationsMax)
    notes.push(
      `search stopped after ${searchIterationsMax} iterations: some station still over the margin`,
    );
  return {
    ratePerS,
    connectedDevices,
    rhoMax,
    eventRatePerS: kafka.eventRatePerS,
    brokerAssumptions: kafka.assumptions,
    chunkServiceCoresPerPod: p.workersPerPod.chunkService,
    rows,
    targets,
    iterations,
    events: events + out.events,
    notes,
  };
}

/** The plan, simulated with replications: every latency target judged on it. */
function simulatePlan(p: ArchitectureParameters, input: PlanInput): ExperimentOutput {
  const out: ExperimentOutput = {
    collector: new MetricCollector(),
    tables: {},
    notes: [],
    events: 0,
  };
  for (let r = 0; r < input.replications; r++) {
    recordNetwork(
      simulateNetwork(
        architectureNetwork(p, {
          durationS: input.durationS,
          warmupS: input.warmupS,
          seed: replicationSeed(input.seed, 1000 + r),
        }),
      ),
      out,
      input.durationS,
    );
  }
  return out;
}

/** Brokers for the plan's event rate and for the design's own figures, with the same broker. */
function brokersFor(
  design: ArchitectureParameters,
  ratePerS: number,
  partitions: number,
  rhoMax: number,
  assumptions: Partial<BrokerAssumptions> | undefined,
) {
  const uploadShare = design.mix.deltaUpload + design.mix.newFileUpload;
  const eventRatePerS = ratePerS * uploadShare;
  const brokerAssumptions = { ...brokerDefaults, ...assumptions };
  const planBrokers = countBrokers({
    partitions,
    throughputMsgPerS: eventRatePerS,
    retainedMsgPerS: eventRatePerS,
    fillMax: rhoMax,
    assumptions: brokerAssumptions,
  });
  // The design states no broker count: the brokers its own figures need with the same broker
  // (its 64 partitions, its stated 1M msg/s capacity, 7 days of its peak's events).
  const designBrokers = countBrokers({
    partitions: design.partitionCount,
    throughputMsgPerS: stated.C30.capacityMsgPerS,
    retainedMsgPerS: design.peakRps * uploadShare,
    fillMax: rhoMax,
    assumptions: brokerAssumptions,
  });
  const note =
    `Kafka brokers: the design states none; its column counts what its own figures need (C30: ` +
    `${design.partitionCount} partitions, ${stated.C30.capacityMsgPerS} msg/s capacity, ${stated.C30.retentionDays} days of ` +
    `${round(design.peakRps * uploadShare)} events/s; bound by ${designBrokers.binding}); the plan's counts the ` +
    `plan's ${round(eventRatePerS)} events/s. Per broker, ASSUMED: replication ${brokerAssumptions.replicationFactor}, ` +
    `${brokerAssumptions.partitionReplicasPerBrokerMax} partition replicas, ${brokerAssumptions.writeBytesPerSPerBroker / 1e6} MB/s ` +
    `written, ${brokerAssumptions.storageBytesPerBroker / 1e9} GB of log, ${brokerAssumptions.recordBytes} B a record`;
  return {
    plan: planBrokers,
    design: designBrokers,
    eventRatePerS,
    assumptions: brokerAssumptions,
    note,
  };
}

/** Counts the search never had to grow: the simulated ρ that held them under the margin. */
function annotate(result: NetworkResult, binding: Map<string, string>): void {
  const rho = new Map(result.stations.map((s) => [s.name, s.offeredRhoMax]));
  const max = (names: readonly string[]) =>
    Math.max(...names.map((n) => rho.get(n) ?? 0)).toFixed(2);
  for (const s of poolStations) {
    const b = binding.get(s.pool)!;
    if (b.endsWith("(utilisation law)"))
      binding.set(s.pool, `${s.what} (utilisation law; simulated ρ ${max(s.stations)})`);
  }
  const kept = (key: string, text: string) => {
    if (binding.get(key) === "kept (design)") binding.set(key, text);
  };
  kept("gcWorker", `kept (design): hottest GC worker ρ ${max(["kafkaGcWorker"])}`);
  kept(
    "shards",
    `kept (design): hottest shard ρ ${max(["metadataShard", "metadataShardCommit", "metadataShardList"])}`,
  );
  kept("partitions", `kept (design): hottest notify partition ρ ${max(["kafkaNotifyPartition"])}`);
}

function utilisationLawPods(
  p: ArchitectureParameters,
  rate: number,
  rhoMax: number,
): Partial<Record<PoolName, number>> {
  const uploads = rate * (p.mix.deltaUpload + p.mix.newFileUpload),
    reads = rate * (p.mix.download + p.mix.listFolder);
  const busy: Partial<Record<PoolName, number>> = {
    apiGateway: rate * moments(p.service.apiGateway).mean,
    uploadLb: uploads * moments(p.service.loadBalancer).mean,
    downloadLb: reads * moments(p.service.loadBalancer).mean,
    chunkService:
      rate * p.mix.deltaUpload * moments(p.service["chunkService.cpu"]).mean +
      rate * p.mix.newFileUpload * moments(p.service["chunkService.verify"]).mean,
    downloadService: reads * moments(p.service["downloadService.resolve"]).mean,
    notificationService: uploads * moments(p.service["notificationService.push"]).mean,
  };
  return Object.fromEntries(
    Object.entries(busy).map(([pool, b]) => [
      pool,
      Math.max(1, Math.ceil(b / (rhoMax * p.workersPerPod[pool as PoolName]))),
    ]),
  );
}

/** One search step: grow what the run shows over the margin; undefined when nothing is. */
function grow(
  p: ArchitectureParameters,
  result: NetworkResult,
  rhoMax: number,
  binding: Map<string, string>,
): ArchitectureParameters | undefined {
  const rho = new Map(result.stations.map((s) => [s.name, s.offeredRhoMax]));
  const pods = { ...p.pods };
  let next: ArchitectureParameters | undefined;
  for (const s of poolStations) {
    const worst = Math.max(...s.stations.map((name) => rho.get(name) ?? 0));
    if (worst <= rhoMax) continue;
    pods[s.pool] = Math.ceil((pods[s.pool] * worst) / rhoMax);
    binding.set(s.pool, `${s.what} (simulated ρ ${worst.toFixed(2)} at ${p.pods[s.pool]} pods)`);
    next = { ...(next ?? p), pods };
  }
  const shard = Math.max(
    ...["metadataShard", "metadataShardCommit", "metadataShardList"].map((n) => rho.get(n) ?? 0),
  );
  if (shard > rhoMax && p.shardCount < shardCountMax) {
    binding.set(
      "shards",
      `a shard's hot spot (hottest shard ρ ${shard.toFixed(2)} at ${p.shardCount} shards)`,
    );
    next = { ...(next ?? p), pods, shardCount: p.shardCount * 2 };
  } else if (shard > rhoMax) {
    binding.set(
      "shards",
      `a shard's hot spot, still ρ ${shard.toFixed(2)} at ${shardCountMax} shards: its hottest ` +
        "users alone overload one shard's connection pool, which more shards cannot split",
    );
  }
  const gc = rho.get("kafkaGcWorker") ?? 0;
  if (gc > rhoMax) {
    if (p.pods.gcWorker < p.partitionCount) {
      pods.gcWorker = Math.min(p.partitionCount, Math.ceil((p.pods.gcWorker * gc) / rhoMax));
      binding.set(
        "gcWorker",
        `a GC worker's partitions (hottest worker ρ ${gc.toFixed(2)} at ${p.pods.gcWorker})`,
      );
      next = { ...(next ?? p), pods };
    } else {
      binding.set(
        "partitions",
        `a partition's throughput (hottest GC partition ρ ${gc.toFixed(2)} at ${p.partitionCount})`,
      );
      next = { ...(next ?? p), pods, partitionCount: p.partitionCount * 2 };
    }
  }
  const notify = rho.get("kafkaNotifyPartition") ?? 0;
  if (notify > rhoMax) {
    binding.set(
      "partitions",
      `a partition's throughput (hottest notify partition ρ ${notify.toFixed(2)} at ${p.partitionCount})`,
    );
    next = { ...(next ?? p), pods, partitionCount: p.partitionCount * 2 };
  }
  return next;
}
