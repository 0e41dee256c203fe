// Migration 2: which blocks each user may reference, on the user's shard. A user owns a block they
// uploaded (whole or as a delta against a block they own), one they proved possession of, and
// every block of a version they committed. Cross-user dedup hands out a reference only after a
// possession proof (design/decisions/0003-possession-proof.md), never for a bare hash.

export const version = 2;
export const name = "user-blocks";

export const globalSql = "";

export function shardSql(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.user_blocks (
  user_id    text NOT NULL,
  block_hash bytea NOT NULL CHECK (octet_length(block_hash) = 32),
  PRIMARY KEY (user_id, block_hash)
);
`;
}
