// Runs the SyncStream contract against the stack's real Kafka broker on a 64-partition topic
// created for this run and deleted afterwards.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll } from "vitest";
import { waitForTopicReady } from "../../stack/native/kafka.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { syncStreamContract } from "../contract/sync-stream.contract.ts";
import { uniqueName } from "../contract/contract-helpers.ts";
import { KafkaSyncStream } from "./sync-stream.kafka.ts";

const endpoints = stackEndpoints();
const topic = uniqueName("file-events-contract");
const admin = new Kafka({ brokers: [...endpoints.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true,
    topics: [{ topic, numPartitions: endpoints.kafkaPartitionCount, replicationFactor: 1 }] });
  await waitForTopicReady(admin, topic);
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

syncStreamContract("kafka", async () => new KafkaSyncStream({ brokers: endpoints.kafkaBrokers, topic }), 60_000);
