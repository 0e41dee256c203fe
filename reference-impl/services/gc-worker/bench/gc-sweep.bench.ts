// The GcWorker's sweep rate on the running stack: blocks deleted per second by one worker's
// sweepOnce (the code the `gc-worker` process runs: plan, row-lock mark, one DeleteObjects request
// per batch, row deletes), beside two anchors measured in the same run on the same S3 server:
// DeleteObjects requests of one batch's keys one after another (the S3 work alone), and bare
// DeleteObject calls, 16 in flight (what a sweep without batch deletes could reach). The
// blocks live in a database and a key prefix of the bench's own, both removed afterwards.
// `npm run bench:gc [-- --blocks N] [--json]`. Timing on a shared machine is noisy: read the
// ratio to the anchor, not the absolute figure. simulate gc-backlog takes the result with
// --gc-deletes-per-s.
import { DeleteObjectCommand, DeleteObjectsCommand, S3Client } from "@aws-sdk/client-s3";
import { randomBytes, randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sha256Hex } from "../../../core/hash.ts";
import { ManualClock } from "../../../runtime/clock.ts";
import type { S3Endpoint } from "../../../stack/endpoints.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { S3BlockStore } from "../../../stores/block-store/block-store.s3.ts";
import { PgMetadataDb } from "../../../stores/metadata-db/metadata-db.pg.ts";
import { withPgClient } from "../../../stores/metadata-db/pg-client.ts";
import { sweepOnce } from "../gc-loop.ts";
import { defaultGcSettings } from "../ports.ts";

const blockBytes = 4096;
const blocksMax = 100_000;

function s3Client(s3: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: s3.url,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** Stores `count` random blocks under `prefix` (8 at a time); returns their hashes. */
async function putBlocks(store: S3BlockStore, count: number): Promise<string[]> {
  const hashes: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      const bytes = randomBytes(blockBytes);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes);
      hashes.push(hash);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return hashes;
}

async function timed(body: () => Promise<number>): Promise<{ count: number; perS: number }> {
  const start = performance.now();
  const count = await body();
  const seconds = (performance.now() - start) / 1000;
  return { count, perS: count / seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { blocks: { type: "string" }, json: { type: "boolean" } },
  });
  const count = Number(values.blocks ?? "2000");
  if (!Number.isInteger(count) || count < 1 || count > blocksMax)
    throw new Error(`--blocks must be an integer 1..${blocksMax}, got ${values.blocks}`);
  const env = process.env;
  const endpoints = await (await createProvider(loadStackConfig(env), env)).endpointsWithSecrets();
  const run = randomUUID().slice(0, 8);
  const dbName = `syncbench_gcbench_${run}`;
  const url = endpoints.postgresUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const admin = (sql: string) =>
    withPgClient({ connectionString: endpoints.postgresUrl }, (c) => c.query(sql));
  await admin(`CREATE DATABASE ${dbName}`);
  const metadataDb = new PgMetadataDb({ url, poolMax: 8 });
  const sweepPrefix = `gcbench-${run}-sweep/`;
  const anchorPrefix = `gcbench-${run}-anchor/`;
  const blockStore = new S3BlockStore({ ...endpoints.s3, keyPrefix: sweepPrefix });
  const anchorStore = new S3BlockStore({ ...endpoints.s3, keyPrefix: anchorPrefix });
  const client = s3Client(endpoints.s3);
  const bucket = endpoints.s3.bucket;
  const concurrency = defaultGcSettings.deleteConcurrency;
  try {
    await metadataDb.migrate();
    process.stderr.write(
      `storing ${count} blocks for the sweep and ${2 * count} for the anchors\n`,
    );
    const swept = await putBlocks(blockStore, count);
    for (const hash of swept)
      await metadataDb.recordBlock({ hash, sizeBytes: blockBytes, nowMs: 0, graceMs: 1 });
    const single = await putBlocks(anchorStore, count);
    const loadBefore = loadavg()[0] ?? 0;
    // The sweep: every block is due (delete_after = 1 ms after the epoch).
    const clock = new ManualClock(Date.now());
    const sweep = await timed(async () => {
      const stats = await sweepOnce({ metadataDb, blockStore, clock }, defaultGcSettings);
      return stats.blocksDeleted;
    });
    // Anchor 1: bare DeleteObject, the sweep's concurrency.
    const anchorSingle = await timed(async () => {
      let next = 0;
      const lane = async () => {
        while (next < single.length) {
          const hash = single[next++] as string;
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: anchorPrefix + hash }));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      return single.length;
    });
    // Anchor 2: DeleteObjects of one sweep batch's keys, one request at a time.
    const batch = await putBlocks(anchorStore, count);
    const perRequest = defaultGcSettings.batchBlocksMax;
    const anchorBatch = await timed(async () => {
      for (let i = 0; i < batch.length; i += perRequest) {
        const keys = batch.slice(i, i + perRequest).map((h) => ({ Key: anchorPrefix + h }));
        await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
      return batch.length;
    });
    const remaining = await blockStore.list("", 1000);
    const result = {
      blocks: count,
      sweepDeletesPerS: Math.round(sweep.perS),
      sweepBlocksDeleted: sweep.count,
      anchorDeleteObjectPerS: Math.round(anchorSingle.perS),
      anchorDeleteObjectsPerS: Math.round(anchorBatch.perS),
      sweepToDeleteObjects: Number((sweep.perS / anchorBatch.perS).toFixed(2)),
      deleteConcurrency: concurrency,
      batchBlocksMax: defaultGcSettings.batchBlocksMax,
      objectsLeftBySweep: remaining.length,
      loadAverage1m: [Number(loadBefore.toFixed(1)), Number((loadavg()[0] ?? 0).toFixed(1))],
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const rows = [
        ["GcWorker sweep (sweepOnce: mark, DeleteObjects, row delete)", result.sweepDeletesPerS],
        [`anchor: DeleteObjects, ${perRequest} keys a request`, result.anchorDeleteObjectsPerS],
        [`anchor: bare DeleteObject, ${concurrency} in flight`, result.anchorDeleteObjectPerS],
      ];
      for (const [label, perS] of rows)
        process.stdout.write(`${String(label).padEnd(58)} ${String(perS).padStart(7)} deletes/s\n`);
      process.stdout.write(
        `sweep / DeleteObjects: ${result.sweepToDeleteObjects}; ${count} blocks of ${blockBytes} B; ` +
          `${result.objectsLeftBySweep} left by the sweep; load average ${result.loadAverage1m.join(" -> ")}\n`,
      );
    }
    if (sweep.count !== count || remaining.length !== 0)
      throw new Error(`the sweep deleted ${sweep.count} of ${count} blocks`);
  } finally {
    await metadataDb.close();
    for (const h of await anchorStore.list("", 1000)) await anchorStore.delete(h.hash);
    await Promise.all([blockStore.close(), anchorStore.close()]);
    client.destroy();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:gc: ${(error as Error).message}\n`);
  process.exit(1);
});
