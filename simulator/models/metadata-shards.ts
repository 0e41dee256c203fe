// MetadataDB: 64 shards by user_id, each with its own connection pool (query, commit and list
// share the pool's connections in the real system; here each shard has one pool per operation
// kind, an approximation that keeps per-kind service times apart). Users are Zipf-skewed, so the
// hottest shard carries its hot users' traffic: shardShares() gives the exact expected shares.
import type { StationSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";
import { userShard } from "./network.ts";

export function metadataShardStations(p: ArchitectureParameters): StationSpec[] {
  const shard = (
    name: string,
    part: "metadataDb.query" | "metadataDb.commit" | "metadataDb.listPage",
  ) => ({ name, servers: p.shardPoolSize, members: p.shardCount, service: p.service[part] });
  return [
    shard("metadataShard", "metadataDb.query"),
    shard("metadataShardCommit", "metadataDb.commit"),
    shard("metadataShardList", "metadataDb.listPage"),
  ];
}

/**
 * Expected request share of each shard under Zipf(users, s) activity: the first `exactUsers`
 * users are summed one by one through the real user→shard hash; the tail's mass is spread
 * evenly (its per-shard deviation is O(√(Σ p_u²)) which is < 1e-4 beyond 1e6 users).
 */
export function shardShares(
  userCount: number,
  zipfSkew: number,
  shardCount: number,
  exactUsers = 1_000_000,
): Float64Array {
  const head = Math.min(userCount, exactUsers);
  const shares = new Float64Array(shardCount);
  let headMass = 0;
  for (let u = 1; u <= head; u++) {
    const w = u ** -zipfSkew;
    shares[userShard(u - 1, shardCount)]! += w;
    headMass += w;
  }
  const tailMass = generalisedHarmonic(userCount, zipfSkew) - headMass;
  const total = headMass + Math.max(0, tailMass);
  for (let k = 0; k < shardCount; k++)
    shares[k] = (shares[k]! + Math.max(0, tailMass) / shardCount) / total;
  return shares;
}

/** H(n, s) = Σ_{k=1..n} k^-s: exact to 1e6 terms, then the Euler-Maclaurin tail integral. */
export function generalisedHarmonic(n: number, s: number): number {
  const exact = Math.min(n, 1_000_000);
  let h = 0;
  for (let k = 1; k <= exact; k++) h += k ** -s;
  if (n <= exact) return h;
  const integral = (x: number) => (Math.abs(s - 1) < 1e-12 ? Math.log(x) : x ** (1 - s) / (1 - s));
  return h + integral(n) - integral(exact) + (n ** -s - exact ** -s) / 2;
}
