// Apache Kafka 4.x in single-node KRaft mode (broker and controller in one JVM), run from the jars
// that Maven fetched into the cache, with the 64-partition topic `file-events` created once healthy.
// Single node: every internal topic needs replication factor 1, or consumers wait forever for a
// group coordinator (kafkajs#1752).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { dropKnownDependencyWarnings } from "../../runtime/known-warnings.ts";
import { SyncbenchError } from "../../core/errors.ts";
import { ensureKafka, kafkaLibsDir, type Progress } from "./install.ts";
import type { NativeConfig } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import {
  describeError,
  type HealthResult,
  type LaunchSpec,
  type NativeService,
} from "./native-service.ts";
import { runCommand } from "./run-command.ts";
import { partitionCount } from "../../core/design-figures.ts";

export const fileEventsTopic = "file-events";
/** The design's 64 partitions keyed by user_id (C30). */
export const fileEventsPartitionCount = partitionCount;

function serverProperties(config: NativeConfig, logDir: string): string {
  const { kafka, kafkaController } = config.ports;
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
    `listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafka}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${logDir}`,
    `num.partitions=${fileEventsPartitionCount}`,
    "default.replication.factor=1",
    "auto.create.topics.enable=false",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=8",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "num.network.threads=2",
    "num.io.threads=4",
    "num.recovery.threads.per.data.dir=1",
    "log.retention.ms=604800000", // 7 days, as the design's SyncStream (C30)
    "log.segment.bytes=134217728",
    "",
  ].join("\n");
}

const log4j2 = [
  "status = warn",
  "appender.out.type = Console",
  "appender.out.name = OUT",
  "appender.out.layout.type = PatternLayout",
  "appender.out.layout.pattern = [%d] %p %m (%c)%n",
  "rootLogger.level = warn",
  "rootLogger.appenderRef.out.ref = OUT",
  "logger.kafka.name = kafka",
  "logger.kafka.level = info",
  "",
].join("\n");

export function kafkaClient(brokers: readonly string[], clientId: string): Kafka {
  dropKnownDependencyWarnings(); // kafkajs#1751 on Node 24
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    retry: { retries: 0 },
  });
}

export function kafkaService(config: NativeConfig): NativeService {
  const paths = servicePaths(config, "kafka");
  const propertiesFile = join(paths.dataDir, "server.properties");
  const log4jFile = join(paths.dataDir, "log4j2.properties");
  const logDir = join(paths.dataDir, "kraft-logs");
  const brokers = [`127.0.0.1:${config.ports.kafka}`];
  let java = "java";
  return {
    name: "kafka",
    endpoint: brokers[0] as string,
    stopSignal: "SIGTERM",
    stopGraceMs: 30_000,
    startTimeoutMs: 120_000,
    async install(progress) {
      java = (await ensureKafka(config, progress)).java;
    },
    async prepare(progress): Promise<LaunchSpec> {
      mkdirSync(paths.dataDir, { recursive: true });
      writeFileSync(propertiesFile, serverProperties(config, logDir));
      writeFileSync(log4jFile, log4j2);
      const classpath = `${kafkaLibsDir(config)}/*`;
      const log4jFlag = `-Dlog4j2.configurationFile=${log4jFile}`;
      if (!existsSync(join(logDir, "meta.properties"))) {
        await formatStorage({ java, classpath, log4jFlag, propertiesFile }, progress);
      }
      return {
        command: java,
        args: [
          "-Xms1g",
          "-Xmx1g",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-XX:ActiveProcessorCount=2",
          "-Djava.awt.headless=true",
          log4jFlag,
          "-cp",
          classpath,
          "kafka.Kafka",
          propertiesFile,
        ],
      };
    },
    check: () => checkKafka(brokers),
    async afterHealthy() {
      await ensureTopic(brokers, fileEventsTopic, fileEventsPartitionCount);
    },
  };
}

interface FormatInput {
  readonly java: string;
  readonly classpath: string;
  readonly log4jFlag: string;
  readonly propertiesFile: string;
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, drawn again while it
 * starts with "-" (as Kafka's own Uuid.randomUuid does): kafka-storage's argument parser takes
 * "-t -AZnp…" for a missing value and a new option, and the format failed about once in 64 ups.
 */
export function kafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

async function formatStorage(input: FormatInput, progress: Progress): Promise<void> {
  const clusterId = kafkaClusterId();
  progress(`  kafka storage format (cluster ${clusterId}; about 5 s, once)`);
  const result = await runCommand(
    input.java,
    [
      input.log4jFlag,
      "-cp",
      input.classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      input.propertiesFile,
      "--ignore-formatted",
    ],
    { timeoutMs: 120_000 },
  );
  if (result.exitCode !== 0) {
    throw new SyncbenchError(
      "ENV_MISSING",
      `kafka storage format failed: ${result.output.slice(-600)}`,
    );
  }
}

export async function checkKafka(brokers: readonly string[]): Promise<HealthResult> {
  const admin = kafkaClient(brokers, "syncbench-health").admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      healthy: cluster.brokers.length > 0,
      implementation: "Apache Kafka (KRaft)",
      detail: `cluster ${cluster.clusterId}`,
    };
  } catch (error) {
    return { healthy: false, implementation: "Apache Kafka (KRaft)", detail: describeError(error) };
  } finally {
    await admin.disconnect();
  }
}

export async function ensureTopic(
  brokers: readonly string[],
  topic: string,
  partitionCount: number,
) {
  dropKnownDependencyWarnings(); // kafkajs#1751 on Node 24
  const kafka = new Kafka({
    clientId: "syncbench-setup",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: partitionCount, replicationFactor: 1 }],
      });
    }
    await waitForTopicReady(admin, topic);
    await waitForGroupCoordinator(admin);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const count = metadata?.partitions.length ?? 0;
    if (count !== partitionCount) {
      throw new SyncbenchError(
        "STACK_UNHEALTHY",
        `topic ${topic} has ${count} partitions, expected ${partitionCount}; nothing was changed`,
        { hint: "delete .syncbench/data/kafka after `syncbench down` to recreate it" },
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * createTopics returns before the KRaft broker serves the new partitions: producers and consumers
 * that start at once get "not the leader" errors. Wait until every partition answers ListOffsets.
 */
export async function waitForTopicReady(
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new SyncbenchError(
          "STACK_UNHEALTHY",
          `topic ${topic} not served after ${timeoutMs} ms`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * A new broker creates __consumer_offsets on the first group lookup and answers "coordinator
 * loading" meanwhile, which crashes (and restarts) the first consumers. Ask for a group once at
 * start-up so that the stack is ready for consumer groups when `up` returns.
 */
async function waitForGroupCoordinator(admin: Admin, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.describeGroups(["syncbench-startup-probe"]);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new SyncbenchError(
          "STACK_UNHEALTHY",
          `kafka group coordinator not ready after ${timeoutMs} ms`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
