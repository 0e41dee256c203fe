// The DownloadService process: the composition root that alone chooses the real adapters
// (Postgres, S3, the S3 presigner) and starts the HTTP server; it stops on SIGTERM.
import { SyncbenchError } from "../../core/errors.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { loadDownloadServiceConfig } from "../../runtime/config.ts";
import { S3BlockPresigner } from "../../stores/block-store/block-presigner.s3.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { createDownloadServer } from "./routes.ts";

export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const config = loadDownloadServiceConfig(env);
  const log = (line: string) =>
    process.stdout.write(`${new Date().toISOString()} ${config.podId} ${line}\n`);
  const { endpoints } = config;
  const metadataDb = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 16 });
  await metadataDb.migrate();
  const ports = {
    metadataDb,
    clock: new SystemClock(),
    blockStore: new S3BlockStore(endpoints.s3),
    presigner: new S3BlockPresigner(endpoints.s3),
  };
  const server = createDownloadServer({
    ports,
    log,
    settings: {
      jwtSecret: config.jwtSecret,
      podId: config.podId,
      blockUrlKey: config.blockUrlKey,
      blockUrlTtlS: config.blockUrlTtlS,
      cdnBaseUrl: config.cdnBaseUrl,
    },
  });
  server.listen(config.port, config.host, () => log(`listening on ${config.host}:${config.port}`));
  const stop = async () => {
    log("stopping");
    server.close();
    await Promise.all([metadataDb.close(), ports.blockStore.close()]);
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
  process.stderr.write(`download-service: ${text}\n`);
  process.exit(error instanceof SyncbenchError && error.code === "CONFIG_INVALID" ? 2 : 1);
});
