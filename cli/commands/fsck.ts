// `syncbench fsck`: checks the upload path's invariants across Postgres, the S3 server and Kafka
// on the running stack, lists every violation with its ids, and exits 1 when there is one.
import { Kafka, logLevel } from "kafkajs";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { fsck, type Violation } from "../../reference-impl/services/fsck/fsck.ts";
import type { Endpoints } from "../../reference-impl/stack/endpoints.ts";
import { S3BlockStore } from "../../reference-impl/stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../reference-impl/stores/metadata-db/metadata-db.pg.ts";
import { pgClient } from "../../reference-impl/stores/metadata-db/pg-client.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

async function checkTopic(endpoints: Endpoints): Promise<Violation[]> {
  const admin = new Kafka({ brokers: [...endpoints.kafkaBrokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [endpoints.kafkaTopic] });
    const count = topics[0]?.partitions.length ?? 0;
    return count === endpoints.kafkaPartitionCount ? [] : [{ kind: "stream", id: endpoints.kafkaTopic,
      detail: `topic has ${count} partitions, expected ${endpoints.kafkaPartitionCount}` }];
  } finally {
    await admin.disconnect();
  }
}

/** Read-only: the applied migrations (fsck never writes, so it does not migrate). */
async function migratedVersions(url: string): Promise<number[]> {
  const client = pgClient({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new SyncbenchError("ENV_STACK_UNREACHABLE", `Postgres at ${new URL(url).host} does not answer ` +
      `(${(error as Error).message}); nothing was checked`, { hint: "npx syncbench up", cause: error });
  }
  try {
    const exists = await client.query("SELECT to_regclass('public.schema_migrations') AS t");
    if (exists.rows[0]?.t === null) return [];
    return (await client.query<{ version: number }>("SELECT version FROM public.schema_migrations")).rows.map((r) => r.version);
  } finally {
    await client.end();
  }
}

function bounded(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer 1..${max}, got "${value}"`);
  return n;
}

export const command: Command = {
  summary: "check invariants across Postgres, S3 and Kafka (blocks present and intact, ref counts, outbox)",
  help: `usage: syncbench fsck [--outbox-stale-s S] [--blocks-max N] [--json]

Checks on the running stack: every block named by a committed version exists in S3 and hashes to
its key; each ref_count equals the number of committed versions naming the block; no outbox row is
unsent for longer than --outbox-stale-s (default 60); the topic has its 64 partitions.
--blocks-max (default 100000) bounds the blocks read back; a cut-short check is reported as such.
--json prints {"violations": [...], "checked": {...}, "truncated": bool}.
Exit codes: 0 no violation; 1 at least one; 3 the stack is not reachable.`,
  async run(args, ctx) {
    const { values } = parseFlags(args, { ...commonOptions, "outbox-stale-s": { type: "string" },
      "blocks-max": { type: "string" } }, false);
    const staleS = bounded(values["outbox-stale-s"], "outbox-stale-s", 60, 30 * 24 * 3600);
    const blocksMax = bounded(values["blocks-max"], "blocks-max", 100_000, 100_000_000);
    const endpoints = await (await providerFor(ctx)).endpointsWithSecrets();
    const migrated = await migratedVersions(endpoints.postgresUrl);
    if (migrated.length === 0) {
      const empty = { violations: [], checked: { blocks: 0, referencedBlocks: 0, shards: 0, outboxRowsStale: 0 },
        truncated: false, note: "the metadata database has no schema yet (no ChunkService has run): nothing to check" };
      ctx.out(values.json ? JSON.stringify(empty, null, 2) : empty.note);
      return exitCodes.ok;
    }
    const db = new PgMetadataDb({ url: endpoints.postgresUrl, poolMax: 4 });
    const store = new S3BlockStore(endpoints.s3);
    try {
      const report = await fsck(db, store, { nowMs: Date.now(), outboxStaleMs: staleS * 1000, blocksMax,
        checkStream: () => checkTopic(endpoints) });
      if (values.json) ctx.out(JSON.stringify(report, null, 2));
      else {
        for (const v of report.violations) ctx.out(`${ctx.color.red(v.kind.padEnd(18))} ${v.id}  ${v.detail}`);
        const c = report.checked;
        ctx.out(`${report.violations.length} violation(s); checked ${c.blocks} blocks, ${c.referencedBlocks} referenced ` +
          `blocks read back from S3, ${c.shards} shards' outboxes${report.truncated ? " (TRUNCATED by --blocks-max)" : ""}`);
      }
      return report.violations.length === 0 ? exitCodes.ok : exitCodes.failure;
    } finally {
      await Promise.all([db.close(), store.close()]);
    }
  },
};
