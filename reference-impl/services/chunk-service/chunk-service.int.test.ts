// Runs the ChunkService API suite on the real stack: Postgres (a database of its own, migrated),
// the S3 server (a key prefix of its own, emptied afterwards) and Kafka; then checks that a commit's file_changed event
// leaves through the outbox relay and reaches a Kafka consumer group with its event id.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { waitForTopicReady } from "../../stack/native/kafka.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { uniqueName } from "../../stores/contract/contract-helpers.ts";
import { useTestKeyPrefix } from "../../stores/contract/test-key-prefix.ts";
import { useTestDatabase } from "../../stores/contract/test-database.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import type { FileChangedEvent } from "../../stores/metadata-db/metadata-db.port.ts";
import { KafkaSyncStream } from "../../stores/sync-stream/sync-stream.kafka.ts";
import { Kafka, logLevel } from "kafkajs";
import { chunkServiceApiSuite } from "./chunk-service.api-suite.ts";
import { shardIndexOf } from "../../stores/metadata-db/shard-router.ts";
import { chunkServiceSecuritySuite } from "./chunk-service.security.api-suite.ts";
import { commitFile } from "./commit.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import type { ChunkServicePorts } from "./ports.ts";
import { uploadBlock } from "./upload-block.ts";
import { issueUploadId } from "./upload-id.ts";

const endpoints = stackEndpoints();
const database = useTestDatabase(endpoints.postgresUrl, "chunk");
const topic = uniqueName("file-events-chunk");
const keyPrefix = useTestKeyPrefix(endpoints.s3, "chunk");
const opened: ChunkServicePorts[] = [];

async function openPorts(): Promise<ChunkServicePorts> {
  const admin = new Kafka({
    brokers: [...endpoints.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  if (!(await admin.listTopics()).includes(topic)) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 64, replicationFactor: 1 }],
    });
    await waitForTopicReady(admin, topic);
  }
  await admin.disconnect();
  const ports = {
    metadataDb: new PgMetadataDb({ url: database.url(), poolMax: 8 }),
    clock: new SystemClock(),
    blockStore: new S3BlockStore({ ...endpoints.s3, keyPrefix }),
    syncStream: new KafkaSyncStream({ brokers: endpoints.kafkaBrokers, topic }),
  };
  opened.push(ports);
  return ports;
}

afterAll(async () => {
  for (const p of opened)
    await Promise.all([p.metadataDb.close(), p.blockStore.close(), p.syncStream.close()]);
});

chunkServiceApiSuite("postgres + s3 + kafka", openPorts);
chunkServiceSecuritySuite("postgres + s3 + kafka", openPorts, shardIndexOf);

describe("ChunkService outbox on the real stack", () => {
  it("publishes each commit's file_changed event to Kafka through the outbox, same event id", async () => {
    const ports = await openPorts();
    const settings = { possessionKey: "possession-key-0123456789", graceMs: 1000 };
    const user = uniqueName("outbox-user");
    const block = randomBytes(2048);
    await uploadBlock(ports, settings, user, sha256Hex(block), block);
    const received: FileChangedEvent[] = [];
    const subscription = await ports.syncStream.subscribe(
      uniqueName("notifier"),
      async (d) => {
        if (d.event.userId === user) received.push(d.event);
      },
      { fromBeginning: true },
    );
    const result = await commitFile(ports, settings, user, {
      uploadId: issueUploadId(settings.possessionKey, user, "/o.txt"),
      path: "/o.txt",
      size: 2048,
      blockHashes: [sha256Hex(block)],
      baseVersion: 0,
    });
    expect(result.ok).toBe(true);
    const relay = new OutboxRelay(ports.metadataDb, ports.syncStream, ports.clock, {
      sweepIntervalMs: 100,
      batchRowsMax: 100,
      onError: (e) => {
        throw e;
      },
    });
    if (result.ok) relay.wake(result.shardIndex);
    const deadline = Date.now() + 30_000;
    while (received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await relay.stop();
    await subscription.close();
    expect(
      received.map((e) => ({ filePath: e.filePath, version: e.version, changeType: e.changeType })),
    ).toEqual([{ filePath: "/o.txt", version: 1, changeType: "create" }]);
    const [row] = (
      await ports.metadataDb.readOutbox(result.ok ? result.shardIndex : 0, 1000)
    ).filter((r) => r.event.userId === user);
    expect(row).toBeUndefined(); // marked sent
  });
});
