// SyncStream on Kafka with kafkajs: key = user_id (the default murmur2 partitioner, as the Java
// client, so one user's events share a partition and keep their order), acks from all in-sync
// replicas, one kafkajs consumer per group. kafkajs is unmaintained but speaks Kafka 4's protocol
// versions (notes/infrastructure.md section 3.4); it stays behind this port so it can be replaced.
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from "kafkajs";
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";
import type {
  DeliveredEvent,
  PartitionDescription,
  StreamDescription,
  SubscribeOptions,
  Subscription,
  SyncStream,
} from "./sync-stream.port.ts";
import { checkPublish } from "./sync-stream.validate.ts";
import { SyncbenchError } from "../../core/errors.ts";
import { dropKnownDependencyWarnings } from "../../runtime/known-warnings.ts";

export interface KafkaSyncStreamConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId?: string;
}

export class KafkaSyncStream implements SyncStream {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly config: KafkaSyncStreamConfig) {
    dropKnownDependencyWarnings(); // kafkajs#1751 on Node 24
    this.kafka = new Kafka({
      clientId: config.clientId ?? "syncbench",
      brokers: [...config.brokers],
      logLevel: logLevel.ERROR,
      connectionTimeout: 3000,
      retry: { retries: 8, maxRetryTime: 10_000 },
    });
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async publish(events: readonly FileChangedEvent[]): Promise<void> {
    checkPublish(events);
    if (events.length === 0) return;
    const producer = await this.connectedProducer();
    await producer.send({
      topic: this.config.topic,
      acks: -1,
      messages: events.map((e) => ({
        key: e.userId,
        value: JSON.stringify(e),
        headers: { eventId: e.eventId },
      })),
    });
  }

  async subscribe(
    groupId: string,
    handler: (delivered: DeliveredEvent) => Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    await consumer.connect();
    await consumer.subscribe({
      topic: this.config.topic,
      fromBeginning: options.fromBeginning ?? false,
    });
    this.consumers.add(consumer);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const event = JSON.parse(message.value?.toString("utf8") ?? "null") as FileChangedEvent;
        await handler({ event, partition, offset: message.offset });
      },
    });
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async describe(): Promise<StreamDescription> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // listTopics first: asking an absent topic's offsets would wait through the retries.
      const { topic } = this.config;
      if (!(await admin.listTopics()).includes(topic)) return { topic, partitions: [] };
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets.map((o): PartitionDescription => ({
        partition: o.partition,
        lowOffset: offsetNumber(o.low, o.partition),
        highOffset: offsetNumber(o.high, o.partition),
      }));
      return { topic, partitions: partitions.sort((a, b) => a.partition - b.partition) };
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers) await consumer.disconnect();
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}

/** Kafka offsets are int64 strings; this port gives numbers, exact up to 2^53. */
function offsetNumber(offset: string, partition: number): number {
  const n = Number(offset);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new SyncbenchError(
      "STREAM_OFFSET_INVALID",
      `partition ${partition} reports offset "${offset}", expected an integer 0..2^53-1`,
    );
  }
  return n;
}
