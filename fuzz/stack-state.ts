// The stack's state check after a fuzz run: `syncbench fsck`'s invariants (every committed block
// present and intact, ref counts, outbox drained, the topic's partitions), read-only.
import { Kafka, logLevel } from "kafkajs";
import { fsck } from "../reference-impl/services/fsck/fsck.ts";
import { createProvider } from "../reference-impl/stack/select-provider.ts";
import { loadStackConfig } from "../reference-impl/stack/stack-config.ts";
import { S3BlockStore } from "../reference-impl/stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../reference-impl/stores/metadata-db/metadata-db.pg.ts";

export async function fsckClean(
  env: NodeJS.ProcessEnv,
): Promise<{ clean: boolean; summary: string }> {
  const { endpoints } = await (await createProvider(loadStackConfig(env), env)).status();
  const db = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 2 });
  const store = new S3BlockStore(endpoints.s3);
  try {
    const report = await fsck(db, store, {
      nowMs: Date.now(),
      outboxStaleMs: 60_000,
      blocksMax: 100_000,
      checkStream: async () => {
        const admin = new Kafka({
          brokers: [...endpoints.kafkaBrokers],
          logLevel: logLevel.NOTHING,
        }).admin();
        await admin.connect();
        await admin.disconnect();
        return [];
      },
    });
    const v = report.violations;
    return {
      clean: v.length === 0,
      summary:
        v.length === 0
          ? `clean (${report.checked.blocks} blocks checked)`
          : `${v.length} violation(s): ${v
              .slice(0, 3)
              .map((x) => `${x.kind} ${x.id} ${x.detail}`)
              .join("; ")}`,
    };
  } finally {
    await Promise.all([db.close(), store.close()]);
  }
}
