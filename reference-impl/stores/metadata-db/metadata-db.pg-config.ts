// The settings of the Postgres MetadataDb (metadata-db.pg.ts): one cluster or shards over several,
// pool size, grace and outbox lease.
import type { ClusterAssignment } from "./shard-router.ts";

export interface PgMetadataDbConfig {
  /** One cluster holding everything, or */
  readonly url?: string;
  /** shards spread over clusters (cluster 0 also holds the global tables). */
  readonly clusters?: readonly ClusterAssignment[];
  readonly poolMax?: number;
  /** Grace given back to a block whose reference a failed cross-cluster commit takes back. */
  readonly graceMs?: number;
  /** Operational messages (pool errors, unsettled commits); default: standard error. */
  readonly log?: (line: string) => void;
  /**
   * How long a relay's claim on outbox rows lasts: it publishes with no transaction open, and a
   * relay that dies mid-publish leaves rows that another relay takes after this (default 30 s,
   * above kafkajs's retry time of a send).
   */
  readonly outboxLeaseMs?: number;
}
