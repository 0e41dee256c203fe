// PostgreSQL 15 from Debian's apt, as the project's own cluster (initdb into .syncbench/data),
// never the system cluster. As root it runs as the `postgres` user, since initdb refuses root.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../core/errors.ts";
import { pgClient, withPgClient } from "../../stores/metadata-db/pg-client.ts";
import { ensurePostgres, postgresBinDir, type Progress } from "./install.ts";
import type { NativeConfig } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import { describeError, type HealthResult, type LaunchSpec, type NativeService } from "./native-service.ts";
import { runCommand } from "./run-command.ts";

export const databaseName = "syncbench";

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export function postgresUrl(config: NativeConfig, database = databaseName): string {
  return `postgres://postgres@127.0.0.1:${config.ports.postgres}/${database}`;
}

export function postgresService(config: NativeConfig): NativeService {
  const paths = servicePaths(config, "postgres");
  const pgData = join(paths.dataDir, "pgdata");
  const port = config.ports.postgres;
  return {
    name: "postgres",
    endpoint: `127.0.0.1:${port}`,
    stopSignal: "SIGINT", // "fast" shutdown: roll back open transactions, checkpoint, exit
    stopGraceMs: 20_000,
    startTimeoutMs: 60_000,
    async install(progress) {
      await ensurePostgres(progress);
    },
    async prepare(progress): Promise<LaunchSpec> {
      const user = postgresUser();
      mkdirSync(paths.dataDir, { recursive: true });
      if (user) chownSync(paths.dataDir, user.uid, user.gid);
      if (!existsSync(join(pgData, "PG_VERSION"))) await initdb(pgData, user, progress);
      return {
        command: join(postgresBinDir, "postgres"),
        args: ["-D", pgData, "-p", String(port), "-k", paths.dataDir,
          "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
          "-c", "shared_buffers=256MB", "-c", "logging_collector=off"],
        ...user,
      };
    },
    check: () => checkPostgres(postgresUrl(config, "postgres")),
    async afterHealthy() {
      await ensureDatabase(postgresUrl(config, "postgres"), databaseName);
    },
  };
}

async function initdb(pgData: string, user: { uid: number; gid: number } | undefined, progress: Progress) {
  progress(`  initdb ${pgData}`);
  const result = await runCommand(
    join(postgresBinDir, "initdb"),
    ["-D", pgData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
    { ...user, timeoutMs: 120_000 },
  );
  if (result.exitCode !== 0) {
    throw new SyncbenchError("ENV_MISSING", `initdb failed for ${pgData}: ${result.output.slice(-600)}`, {
      hint: "the postgres user must be able to enter every parent folder of the repository",
    });
  }
}

export async function checkPostgres(url: string): Promise<HealthResult> {
  const client = pgClient({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { healthy: true, implementation: `PostgreSQL ${rows[0]?.v ?? "?"}` };
  } catch (error) {
    return { healthy: false, implementation: "PostgreSQL 15", detail: describeError(error) };
  } finally {
    await client.end().catch(() => undefined); // closing a client that never connected may reject
  }
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withPgClient({ connectionString: adminUrl }, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  });
}
