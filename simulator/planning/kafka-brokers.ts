// Kafka brokers for the SyncStream topic, counted the way the design counts the topic (C30): its
// partitions, its message throughput and its 7-day retention, each against what one broker
// holds, with the replication the design's availability line names ("Kafka replication"). The
// design states no broker count and no broker size, so a broker's capacities are inputs,
// ASSUMED by default (a kafka.m5.large-class broker, the cost model's), and printed with the
// plan. The model has no broker station (partitions are its unit), so this is arithmetic on the
// event rate the plan offers, not a simulation: brokers = the largest of the four bounds below.
import { stated } from "../../reference-impl/core/design-figures.ts";

export interface BrokerAssumptions {
  /** Copies of each partition (ASSUMED 3: the design's multi-AZ "Kafka replication"). */
  readonly replicationFactor: number;
  /** Partition replicas one broker carries (ASSUMED 1,000, MSK's guidance for m5.large). */
  readonly partitionReplicasPerBrokerMax: number;
  /** Bytes one broker writes per second, replicas included (ASSUMED 50 MB/s). */
  readonly writeBytesPerSPerBroker: number;
  /** Disk one broker gives to the topic's log (ASSUMED 1,000 GB). */
  readonly storageBytesPerBroker: number;
  /** One file_changed record on disk: key, value, record overhead (ASSUMED 512 B). */
  readonly recordBytes: number;
}

export const brokerDefaults: BrokerAssumptions = {
  replicationFactor: 3,
  partitionReplicasPerBrokerMax: 1_000,
  writeBytesPerSPerBroker: 50e6,
  storageBytesPerBroker: 1_000e9,
  recordBytes: 512,
};

export interface BrokerCount {
  readonly brokers: number;
  readonly binding: string;
}

/**
 * Brokers for `partitions` partitions, a throughput of `throughputMsgPerS` messages/s and
 * `retainedMsgPerS` messages/s kept `retentionDays` days; throughput and disk at most `fillMax`
 * of a broker's (the plan's margin). At least the replication factor (one replica per broker).
 */
export function countBrokers(input: {
  partitions: number;
  throughputMsgPerS: number;
  retainedMsgPerS: number;
  retentionDays?: number;
  fillMax: number;
  assumptions?: Partial<BrokerAssumptions>;
}): BrokerCount {
  const a = { ...brokerDefaults, ...input.assumptions };
  const days = input.retentionDays ?? stated.C30.retentionDays;
  const rf = a.replicationFactor;
  const writeBytesPerS = input.throughputMsgPerS * a.recordBytes * rf;
  const storedBytes = input.retainedMsgPerS * a.recordBytes * days * 86_400 * rf;
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  const bounds: Array<[number, string]> = [
    [rf, `the replication factor (${rf} replicas, one per broker)`],
    [
      Math.ceil((input.partitions * rf) / a.partitionReplicasPerBrokerMax),
      `partitions (${input.partitions} × ${rf} replicas / ${a.partitionReplicasPerBrokerMax} per broker)`,
    ],
    [
      Math.ceil(writeBytesPerS / (a.writeBytesPerSPerBroker * input.fillMax)),
      `a broker's write throughput (${round(input.throughputMsgPerS)} msg/s × ${a.recordBytes} B × ${rf} = ` +
        `${(writeBytesPerS / 1e6).toFixed(1)} MB/s over ${(a.writeBytesPerSPerBroker / 1e6).toFixed(0)} MB/s × ${input.fillMax})`,
    ],
    [
      Math.ceil(storedBytes / (a.storageBytesPerBroker * input.fillMax)),
      `retention (${round(input.retainedMsgPerS)} msg/s × ${a.recordBytes} B × ${days} days × ${rf} = ` +
        `${gb(storedBytes)} over ${gb(a.storageBytesPerBroker)} × ${input.fillMax})`,
    ],
  ];
  const [brokers, binding] = bounds.reduce((best, b) => (b[0] > best[0] ? b : best));
  return { brokers, binding };
}

const round = (x: number) => Math.round(x).toLocaleString("en-US");
