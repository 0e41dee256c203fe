// The NotificationService process: the composition root that alone chooses the real adapters
// (Kafka for file-events, Redis for the registry, the per-user log and the pod bus), starts the
// consumer and the HTTP/WebSocket server, and on SIGTERM closes its sockets with 1001.
import { SyncbenchError } from "../../core/errors.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { loadNotificationServiceConfig } from "../../runtime/config.ts";
import { RedisNotificationLog } from "../../stores/notification-log/notification-log.redis.ts";
import { RedisRegistry } from "../../stores/registry/registry.redis.ts";
import { KafkaSyncStream } from "../../stores/sync-stream/sync-stream.kafka.ts";
import { createNotificationService } from "./notification-server.ts";
import { notificationDefaults } from "./ports.ts";

export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const config = loadNotificationServiceConfig(env);
  const log = (line: string) =>
    process.stdout.write(`${new Date().toISOString()} ${config.podId} ${line}\n`);
  const { endpoints } = config;
  const ports = {
    clock: new SystemClock(),
    random: Math.random,
    syncStream: new KafkaSyncStream({
      brokers: endpoints.kafkaBrokers,
      topic: endpoints.kafkaTopic,
      clientId: config.podId,
    }),
    registry: new RedisRegistry({ url: endpoints.redisUrl }),
    log: new RedisNotificationLog({ url: endpoints.redisUrl }),
  };
  const service = createNotificationService(
    ports,
    { ...notificationDefaults, podId: config.podId, jwtSecret: config.jwtSecret },
    log,
  );
  await service.start();
  service.server.listen(config.port, config.host, () =>
    log(`listening on ${config.host}:${config.port}`),
  );
  const stop = async () => {
    log(`stopping with ${service.connectionCount()} connections`);
    await service.stop();
    await Promise.all([ports.syncStream.close(), ports.registry.close(), ports.log.close()]);
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
  process.stderr.write(`notification-service: ${text}\n`);
  process.exit(error instanceof SyncbenchError && error.code === "CONFIG_INVALID" ? 2 : 1);
});
