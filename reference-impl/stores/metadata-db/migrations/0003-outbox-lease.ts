// Migration 3: a lease on outbox rows. A relay claims a shard's oldest unsent rows in a short
// transaction (claimed_until, claimed_by), publishes them with no transaction open, and marks them
// sent in a second short transaction. A relay that dies mid-publish leaves a claim that expires, so
// the rows go out again (same event id: consumers drop the duplicate); a database that goes away
// during a slow publish finds no transaction of ours to abort.

export const version = 3;
export const name = "outbox-lease";

export const globalSql = "";

export function shardSql(schema: string): string {
  return `
ALTER TABLE ${schema}.outbox ADD COLUMN IF NOT EXISTS claimed_until timestamptz;
ALTER TABLE ${schema}.outbox ADD COLUMN IF NOT EXISTS claimed_by uuid;
`;
}
