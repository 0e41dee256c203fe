// Runs the SyncStream contract against the stack's real Kafka broker on a 64-partition topic
// created for this run and deleted afterwards; and describe() of an absent topic and the stack's.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForTopicReady } from "../../stack/native/kafka.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { syncStreamContract } from "../contract/sync-stream.contract.ts";
import { uniqueName } from "../contract/contract-helpers.ts";
import { KafkaSyncStream } from "./sync-stream.kafka.ts";

const endpoints = stackEndpoints();
const topic = uniqueName("file-events-contract");
const admin = new Kafka({
  brokers: [...endpoints.kafkaBrokers],
  logLevel: logLevel.NOTHING,
}).admin();

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: endpoints.kafkaPartitionCount, replicationFactor: 1 }],
  });
  await waitForTopicReady(admin, topic);
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

syncStreamContract(
  "kafka",
  async () => new KafkaSyncStream({ brokers: endpoints.kafkaBrokers, topic }),
  60_000,
);

describe("KafkaSyncStream.describe on Kafka", () => {
  it("gives no partitions for an absent topic, and does not create it", async () => {
    const absent = uniqueName("file-events-absent");
    const stream = new KafkaSyncStream({ brokers: endpoints.kafkaBrokers, topic: absent });
    try {
      expect(await stream.describe()).toEqual({ topic: absent, partitions: [] });
      expect(await admin.listTopics()).not.toContain(absent);
    } finally {
      await stream.close();
    }
  });

  it("gives the stack's topic its partitions", async () => {
    const stream = new KafkaSyncStream({
      brokers: endpoints.kafkaBrokers,
      topic: endpoints.kafkaTopic,
    });
    try {
      expect((await stream.describe()).partitions).toHaveLength(endpoints.kafkaPartitionCount);
    } finally {
      await stream.close();
    }
  });
});
