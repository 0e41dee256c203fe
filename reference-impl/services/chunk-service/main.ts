// The ChunkService process: the composition root that alone chooses the real adapters (Postgres,
// S3, Kafka), starts the outbox relay and the HTTP server, and stops both on SIGTERM.
import { SyncbenchError } from "../../core/errors.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { loadChunkServiceConfig } from "../../runtime/config.ts";
import { PartTimings, timedMethods } from "../../runtime/part-timings.ts";
import { QueueMonitor } from "../../runtime/queue-monitor.ts";
import { S3BlockStore, agentQueuedCount } from "../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { KafkaSyncStream } from "../../stores/sync-stream/sync-stream.kafka.ts";
import { BlockBuffers } from "./block-buffers.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { createChunkServer } from "./routes.ts";

export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const config = loadChunkServiceConfig(env);
  const log = (line: string) =>
    process.stdout.write(`${new Date().toISOString()} ${config.podId} ${line}\n`);
  const { endpoints } = config;
  const clock = new SystemClock();
  const metadataDb = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 16 });
  await metadataDb.migrate();
  // Every store call is timed under the simulator's part names (GET /internal/timings).
  const timings = new PartTimings(config.podId);
  const query = "metadataDb.query";
  const blockStore = new S3BlockStore(endpoints.s3);
  let inFlight = 0;
  // Where a request waits inside this process, sampled beside the part timings (the simulator's
  // README says which of them grows with the rate).
  const queues = new QueueMonitor(timings, {
    "chunkService.inFlight": () => inFlight,
    "metadataDb.poolWaiters": () => metadataDb.poolWaitingCount(),
    "s3.connectionWaiters": () => agentQueuedCount(blockStore.agent),
  });
  timings.attachQueues(() => queues.gaugeTotals());
  queues.start();
  const ports = {
    clock,
    timings,
    blockBuffers: new BlockBuffers(),
    metadataDb: timedMethods(metadataDb, timings, {
      commitVersion: "metadataDb.commit",
      ownedBlocks: query,
      findMissingBlocks: query,
      blockSizes: query,
      recordBlock: query,
      grantBlocks: query,
      getBlock: query,
      getFile: query,
    }),
    blockStore: timedMethods(blockStore, timings, {
      get: "s3.read",
      put: "s3.write",
      exists: "s3.head",
    }),
    syncStream: timedMethods(
      new KafkaSyncStream({
        brokers: endpoints.kafkaBrokers,
        topic: endpoints.kafkaTopic,
        clientId: config.podId,
      }),
      timings,
      { publish: "kafka.publish" },
    ),
  };
  const relay = new OutboxRelay(metadataDb, ports.syncStream, clock, {
    sweepIntervalMs: 1000,
    batchRowsMax: 500,
    onError: (error) =>
      log(`outbox relay: ${(error as Error).message} (rows stay unsent, retried)`),
  });
  relay.start();
  const server = createChunkServer({
    ports,
    log,
    onCommitted: (shard) => relay.wake(shard),
    settings: {
      jwtSecret: config.jwtSecret,
      possessionKey: config.possessionKey,
      graceMs: config.graceMs,
    },
  });
  server.on("request", (_req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
  });
  server.listen(config.port, config.host, () => log(`listening on ${config.host}:${config.port}`));
  const stop = async () => {
    log("stopping");
    server.close();
    queues.stop();
    await relay.stop();
    await Promise.all([metadataDb.close(), ports.blockStore.close(), ports.syncStream.close()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main(process.env).catch((error: unknown) => {
  const text =
    error instanceof SyncbenchError
      ? `${error.message} (${error.code})`
      : String((error as Error).stack ?? error);
  process.stderr.write(`chunk-service: ${text}\n`);
  process.exit(error instanceof SyncbenchError && error.code === "CONFIG_INVALID" ? 2 : 1);
});
