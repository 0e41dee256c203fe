// fsck's composition root: the real adapters (Postgres, the S3 server, Kafka) on a stack's
// endpoints, handed to fsck.ts, which sees only the stores' ports; closed again afterwards.
import type { Endpoints } from "../../stack/endpoints.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { KafkaSyncStream } from "../../stores/sync-stream/sync-stream.kafka.ts";
import { fsck, type FsckOptions, type FsckReport } from "./fsck.ts";

/** fsck of the stack at `endpoints`; the topic must have endpoints.kafkaPartitionCount partitions. */
export async function fsckStack(
  endpoints: Endpoints,
  options: Omit<FsckOptions, "partitionCount">,
): Promise<FsckReport> {
  const metadataDb = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 4 });
  const blockStore = new S3BlockStore(endpoints.s3);
  const syncStream = new KafkaSyncStream({
    brokers: endpoints.kafkaBrokers,
    topic: endpoints.kafkaTopic,
    clientId: "syncbench-fsck",
  });
  try {
    return await fsck(
      { metadataDb, blockStore, syncStream },
      { ...options, partitionCount: endpoints.kafkaPartitionCount },
    );
  } finally {
    await Promise.all([metadataDb.close(), blockStore.close(), syncStream.close()]);
  }
}
