// The GcWorker process: the composition root that alone chooses the real adapters (Postgres, S3,
// Kafka) and the system clock, consumes file-events as group `gc` (queueing superseded versions for
// expiry), runs expiry + sweep every SYNCBENCH_GC_SWEEP_INTERVAL_S, and answers GET /healthz with
// its last run's figures. SIGTERM stops the consumer and lets a running sweep batch end.
import { createServer } from "node:http";
import { SyncbenchError } from "../../core/errors.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { loadGcWorkerConfig } from "../../runtime/config.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { KafkaSyncStream } from "../../stores/sync-stream/sync-stream.kafka.ts";
import { expiryHandler, gcConsumerGroup } from "./expiry-consumer.ts";
import { GcLoop } from "./gc-loop.ts";
import { defaultGcSettings } from "./ports.ts";

export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const config = loadGcWorkerConfig(env);
  const log = (line: string) =>
    process.stdout.write(`${new Date().toISOString()} ${config.podId} ${line}\n`);
  const { endpoints } = config;
  const metadataDb = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 4 });
  await metadataDb.migrate();
  const blockStore = new S3BlockStore(endpoints.s3);
  const syncStream = new KafkaSyncStream({
    brokers: endpoints.kafkaBrokers,
    topic: endpoints.kafkaTopic,
    clientId: config.podId,
  });
  const settings = {
    ...defaultGcSettings,
    graceMs: config.graceMs,
    retentionMs: config.retentionMs,
    sweepIntervalMs: config.sweepIntervalMs,
    batchBlocksMax: config.batchBlocksMax,
  };
  log(`settings ${JSON.stringify(settings)}`);
  const loop = new GcLoop({ metadataDb, blockStore, clock: new SystemClock() }, settings, { log });
  const server = createServer((req, res) => {
    const ok = req.url === "/healthz";
    res.writeHead(ok ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { ok: true, lastRun: loop.lastRun ?? null } : { ok: false }));
  });
  server.listen(config.port, config.host, () => log(`listening on ${config.host}:${config.port}`));
  loop.start();
  // Joining the consumer group can take a broker's rebalance (seconds to tens of seconds); the
  // sweep and /healthz do not wait for it. A join that fails ends the process: the supervisor
  // starts it again.
  const subscription = await syncStream.subscribe(gcConsumerGroup, expiryHandler(metadataDb), {
    fromBeginning: true,
  });
  log(`consuming ${endpoints.kafkaTopic} as group ${gcConsumerGroup}`);
  const stop = async () => {
    log("stopping");
    server.close();
    await subscription.close();
    await loop.stop();
    await Promise.all([metadataDb.close(), blockStore.close(), syncStream.close()]);
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
  process.stderr.write(`gc-worker: ${text}\n`);
  process.exit(error instanceof SyncbenchError && error.code === "CONFIG_INVALID" ? 2 : 1);
});
