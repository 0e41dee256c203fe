// Migration 4: garbage collection (design section "MetadataDB": ref_count, delete_after, the
// 30-day version history). Additive only (ADD COLUMN / CREATE ... IF NOT EXISTS), so a stack whose
// `up` migrated to version 3 moves to 4 on its next `up` with its data kept.
// Global: `blocks.deleting_since` marks a block whose deletion has begun; from then on no commit
// may reference it and no upload-init reports it present (design/decisions "GC and dedup: a lease
// at upload-init, a deleting mark at sweep"). `gc_expired_versions` is the ledger that makes a
// version's ref-count decrement happen once, also when its shard sits on another cluster and the
// worker dies between the two transactions.
// Per shard: `version_expiry`, the queue of superseded versions the GcWorker's consumer fills from
// file-events; the versions superseded before this migration are queued by it, from their
// successors' created_at.

export const version = 4;
export const name = "gc";

export const globalSql = `
ALTER TABLE public.blocks ADD COLUMN IF NOT EXISTS deleting_since timestamptz;
CREATE INDEX IF NOT EXISTS idx_blocks_deleting ON public.blocks (deleting_since)
  WHERE deleting_since IS NOT NULL;
CREATE TABLE IF NOT EXISTS public.gc_expired_versions (
  shard_index integer NOT NULL,
  version_id  bigint NOT NULL,
  expired_at  timestamptz NOT NULL,
  PRIMARY KEY (shard_index, version_id)
);
`;

export function shardSql(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.version_expiry (
  user_id       text NOT NULL,
  path          text NOT NULL,
  version       bigint NOT NULL,
  superseded_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, path, version)
);
CREATE INDEX IF NOT EXISTS idx_version_expiry_due ON ${schema}.version_expiry (superseded_at);
INSERT INTO ${schema}.version_expiry (user_id, path, version, superseded_at)
  SELECT f.user_id, f.path, v.version, n.created_at
  FROM ${schema}.file_versions v
  JOIN ${schema}.files f ON f.file_id = v.file_id
  JOIN ${schema}.file_versions n ON n.file_id = v.file_id AND n.version = v.version + 1
  ON CONFLICT DO NOTHING;
`;
}
