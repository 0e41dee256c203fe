// Migration 1: the design's tables. Global (cluster 0): `blocks`, keyed by the SHA-256 of the block,
// with ref_count and delete_after for GC. Per shard schema: `files` (PK file_id, UNIQUE (user_id,
// path), idx_files_user), `file_versions` (PK version_id, (file_id, version), created_at for the
// 30-day expiry) and the transactional `outbox` of file_changed events.
// The design's idx_versions_cleanup has a predicate with now(); Postgres only allows immutable
// predicates, so it is a plain index on created_at, which serves the same range scan.

export const version = 1;
export const name = "initial";

export const globalSql = `
CREATE TABLE IF NOT EXISTS public.blocks (
  block_hash   bytea PRIMARY KEY CHECK (octet_length(block_hash) = 32),
  size_bytes   integer NOT NULL CHECK (size_bytes >= 0),
  ref_count    bigint NOT NULL DEFAULT 0 CHECK (ref_count >= 0),
  created_at   timestamptz NOT NULL,
  delete_after timestamptz
);
CREATE INDEX IF NOT EXISTS idx_blocks_gc ON public.blocks (delete_after) WHERE delete_after IS NOT NULL;
`;

export function shardSql(schema: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.files (
  file_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id        text NOT NULL,
  path           text NOT NULL,
  latest_version bigint NOT NULL CHECK (latest_version > 0),
  size_bytes     bigint NOT NULL CHECK (size_bytes >= 0),
  block_hashes   bytea[] NOT NULL,
  deleted        boolean NOT NULL DEFAULT false,
  updated_at     timestamptz NOT NULL,
  UNIQUE (user_id, path)
);
CREATE INDEX IF NOT EXISTS idx_files_user ON ${schema}.files (user_id);
CREATE TABLE IF NOT EXISTS ${schema}.file_versions (
  version_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_id      bigint NOT NULL REFERENCES ${schema}.files (file_id),
  version      bigint NOT NULL,
  size_bytes   bigint NOT NULL,
  block_hashes bytea[] NOT NULL,
  change_type  text NOT NULL CHECK (change_type IN ('create', 'update', 'delete')),
  created_at   timestamptz NOT NULL,
  UNIQUE (file_id, version)
);
CREATE INDEX IF NOT EXISTS idx_versions_cleanup ON ${schema}.file_versions (created_at);
CREATE TABLE IF NOT EXISTS ${schema}.outbox (
  outbox_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id   uuid NOT NULL UNIQUE,
  user_id    text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at    timestamptz
);
CREATE INDEX IF NOT EXISTS idx_outbox_unsent ON ${schema}.outbox (outbox_id) WHERE sent_at IS NULL;
`;
}
