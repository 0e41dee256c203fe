// Maps a user to one of the 64 logical shards (schemas shard_00..shard_63), and a shard to the
// Postgres cluster that holds it. FNV-1a 32-bit over the UTF-8 user id: stable across processes
// and languages, cheap, and spreads sequential ids evenly (see shard-router.test.ts).
import { shardCount } from "./metadata-db.port.ts";

export function shardIndexOf(userId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(userId, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shardCount;
}

export function shardSchema(shardIndex: number): string {
  if (!Number.isInteger(shardIndex) || shardIndex < 0 || shardIndex >= shardCount) {
    throw new RangeError(
      `shardIndex must be an integer in 0..${shardCount - 1}, got ${shardIndex}`,
    );
  }
  return `shard_${String(shardIndex).padStart(2, "0")}`;
}

export interface ClusterAssignment {
  /** postgres:// URL of the cluster */
  readonly url: string;
  /** Shards this cluster holds; together the clusters hold each of 0..63 exactly once. */
  readonly shardIndexes: readonly number[];
}

/** Validates a cluster map: every shard on exactly one cluster. Cluster 0 holds the global tables. */
export function validateClusterMap(clusters: readonly ClusterAssignment[]): string[] {
  const errors: string[] = [];
  if (clusters.length === 0) errors.push("at least one cluster is needed");
  const seen = new Map<number, number>();
  clusters.forEach((cluster, clusterIndex) => {
    for (const shard of cluster.shardIndexes) {
      if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount) {
        errors.push(`cluster ${clusterIndex}: shard ${shard} is outside 0..${shardCount - 1}`);
      } else if (seen.has(shard)) {
        errors.push(`shard ${shard} is on clusters ${seen.get(shard)} and ${clusterIndex}`);
      } else seen.set(shard, clusterIndex);
    }
  });
  const missing = Array.from({ length: shardCount }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) errors.push(`shards on no cluster: ${missing.join(", ")}`);
  return errors;
}

export function singleCluster(url: string): ClusterAssignment[] {
  return [{ url, shardIndexes: Array.from({ length: shardCount }, (_, i) => i) }];
}
