// The bare cost of what a delta upload does, measured by bench:upload in the same run as the
// upload path itself (issue 18): a 4 MiB S3 GET and PUT through the same adapter and client the
// ChunkService uses, SHA-256 of 4 MiB, the delta apply of a 100-byte edit, one Postgres round
// trip, one Postgres commit (a transaction given an xid, so its commit record is flushed as a
// version commit's is), and one nginx hop (the gateway answering /healthz itself). Each part is
// timed one at a time, with its CPU time in this process beside its wall time.
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { applyDelta, encodeDelta } from "../../../core/delta.ts";
import { blockSizeBytes } from "../../../core/limits.ts";
import type { Endpoints } from "../../../stack/endpoints.ts";
import { S3BlockStore } from "../../../stores/block-store/block-store.s3.ts";
import { checkedOut, pgPool } from "../../../stores/metadata-db/pg-client.ts";

export interface PartFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of this process per call (user + system), mean. */
  readonly cpuMsPerCall: number;
  readonly count: number;
}

export type BarePartName =
  | "s3Get4MiB"
  | "s3Put4MiB"
  | "sha256Of4MiB"
  | "deltaApply"
  | "postgresRoundTrip"
  | "postgresCommit"
  | "nginxHop";

export const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

/** Times `work` `count` times, one at a time, after `warmupCount` untimed calls. */
export async function timePart(
  count: number,
  work: (index: number) => Promise<unknown> | unknown,
  warmupCount = 3,
): Promise<PartFigures> {
  for (let i = 0; i < warmupCount; i++) await work(-1 - i);
  const wall: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await work(i);
    wall.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    p50Ms: quantile(wall, 0.5),
    p99Ms: quantile(wall, 0.99),
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / count,
    count,
  };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Every bare part, `count` calls each; S3 objects are written under a prefix and deleted after. */
export async function measureBareParts(
  endpoints: Endpoints,
  count: number,
): Promise<Record<BarePartName, PartFigures>> {
  const store = new S3BlockStore({ ...endpoints.s3, keyPrefix: `bench-bare-${process.pid}/` });
  const pool = pgPool({ connectionString: endpoints.postgresUrl, max: 1 }, (error) => {
    throw error;
  });
  const written: string[] = [];
  try {
    const blocks = Array.from({ length: count + 3 }, () => randomBytes(blockSizeBytes));
    const hashes = blocks.map(sha);
    const s3Put4MiB = await timePart(count, async (i) => {
      const index = i < 0 ? count - 1 - i : i;
      written.push(hashes[index]!);
      await store.put(hashes[index]!, blocks[index]!, { contentVerified: true });
    });
    // Into one reused buffer, as the ChunkService reads a delta's base (block-buffers.ts).
    const into = new Uint8Array(blockSizeBytes);
    const s3Get4MiB = await timePart(count, (i) => store.get(hashes[Math.max(0, i)]!, { into }));
    const base = blocks[0]!;
    const edited = Buffer.from(base);
    randomBytes(100).copy(edited, 1_000_000);
    const delta = encodeDelta(base, edited);
    const sha256Of4MiB = await timePart(count, () => sha(edited));
    const deltaApply = await timePart(count, () =>
      applyDelta(base, delta, { targetBytesMax: blockSizeBytes }),
    );
    const postgresRoundTrip = await timePart(count, () => pool.query("SELECT 1"));
    const postgresCommit = await timePart(count, async () => {
      const { client, release } = await checkedOut(pool);
      try {
        await client.query("BEGIN");
        await client.query("SELECT txid_current()");
        await client.query("COMMIT");
      } finally {
        release();
      }
    });
    const nginxHop = await timePart(count, async () => {
      const response = await fetch(`${endpoints.gatewayUrl}/healthz`);
      await response.text();
    });
    return {
      s3Get4MiB,
      s3Put4MiB,
      sha256Of4MiB,
      deltaApply,
      postgresRoundTrip,
      postgresCommit,
      nginxHop,
    };
  } finally {
    for (const hash of new Set(written)) await store.delete(hash);
    await store.close();
    await pool.end();
  }
}
