// The ordered list of migrations. Each has a version, a name, SQL for the global tables and SQL
// for one shard schema; the runner applies what a cluster has not recorded in schema_migrations.
import * as m0001 from "./0001-initial.ts";
import * as m0002 from "./0002-user-blocks.ts";
import * as m0003 from "./0003-outbox-lease.ts";
import * as m0004 from "./0004-gc.ts";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly globalSql: string;
  shardSql(schema: string): string;
}

export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004];
