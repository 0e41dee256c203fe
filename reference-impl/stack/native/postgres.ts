// PostgreSQL 15 from Debian's apt, as the project's own cluster (initdb into .syncbench/data),
// never the system cluster. As root it runs as the `postgres` user, since initdb refuses root.
// Every connection authenticates with a password (SCRAM-SHA-256) generated for the stack; a
// cluster an older syncbench made with `trust` is switched over on the next `up`.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../core/errors.ts";
import { pgClient, withPgClient } from "../../stores/metadata-db/pg-client.ts";
import { ensurePostgres, postgresBinDir, type Progress } from "./install.ts";
import type { NativeConfig } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import {
  describeError,
  type HealthResult,
  type LaunchSpec,
  type NativeService,
} from "./native-service.ts";
import { runCommand } from "./run-command.ts";
import { scramVerifier, stackSecrets } from "./stack-secrets.ts";

export const databaseName = "syncbench";

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export function postgresUrl(config: NativeConfig, database = databaseName): string {
  const password = stackSecrets(config).postgresPassword;
  return `postgres://postgres:${password}@127.0.0.1:${config.ports.postgres}/${database}`;
}

/** Password authentication for every connection, over TCP and the unix socket alike. */
export const pgHbaConf = [
  "# written by syncbench up: every connection authenticates with a password (SCRAM-SHA-256)",
  "local all all scram-sha-256",
  "host  all all 127.0.0.1/32 scram-sha-256",
  "host  all all ::1/128 scram-sha-256",
  "",
].join("\n");

/** True when pg_hba.conf lets anyone in without a password (initdb -A trust, older syncbench). */
export function allowsTrust(hba: string): boolean {
  return hba.split("\n").some((line) => !line.trim().startsWith("#") && /\btrust\b/.test(line));
}

export function postgresService(config: NativeConfig): NativeService {
  const paths = servicePaths(config, "postgres");
  const pgData = join(paths.dataDir, "pgdata");
  const port = config.ports.postgres;
  const user = postgresUser();
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
      mkdirSync(paths.dataDir, { recursive: true });
      if (user) chownSync(paths.dataDir, user.uid, user.gid);
      if (!existsSync(join(pgData, "PG_VERSION"))) {
        await initdb(
          { pgData, user, password: stackSecrets(config).postgresPassword, pwDir: paths.dataDir },
          progress,
        );
      }
      return {
        command: join(postgresBinDir, "postgres"),
        args: [
          "-D",
          pgData,
          "-p",
          String(port),
          "-k",
          paths.dataDir,
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          "max_connections=300",
          "-c",
          "shared_buffers=256MB",
          "-c",
          "logging_collector=off",
        ],
        ...user,
      };
    },
    check: () => checkPostgres(postgresUrl(config, "postgres")),
    async afterHealthy(progress) {
      await requirePasswords(
        {
          adminUrl: postgresUrl(config, "postgres"),
          pgData,
          user,
          password: stackSecrets(config).postgresPassword,
        },
        progress,
      );
      await ensureDatabase(postgresUrl(config, "postgres"), databaseName);
    },
  };
}

interface InitdbInput {
  readonly pgData: string;
  readonly user: { uid: number; gid: number } | undefined;
  readonly password: string;
  /** A folder the postgres user can read, for the password file initdb reads once. */
  readonly pwDir: string;
}

async function initdb(input: InitdbInput, progress: Progress) {
  progress(`  initdb ${input.pgData} (password authentication, SCRAM-SHA-256; about 3 s, once)`);
  const pwFile = join(input.pwDir, ".initdb-password");
  writeFileSync(pwFile, `${input.password}\n`, { mode: 0o600 });
  if (input.user) chownSync(pwFile, input.user.uid, input.user.gid);
  try {
    const result = await runCommand(
      join(postgresBinDir, "initdb"),
      [
        "-D",
        input.pgData,
        "-U",
        "postgres",
        "--auth-host=scram-sha-256",
        "--auth-local=scram-sha-256",
        `--pwfile=${pwFile}`,
        "-E",
        "UTF8",
        "--no-sync",
      ],
      { ...input.user, timeoutMs: 120_000 },
    );
    if (result.exitCode !== 0) {
      throw new SyncbenchError(
        "ENV_MISSING",
        `initdb failed for ${input.pgData}: ${result.output.slice(-600)}`,
        {
          hint: "the postgres user must be able to enter every parent folder of the repository",
        },
      );
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
  writeFileSync(join(input.pgData, "pg_hba.conf"), pgHbaConf);
  if (input.user) chownSync(join(input.pgData, "pg_hba.conf"), input.user.uid, input.user.gid);
}

/**
 * A cluster from an older syncbench lets anyone in (`trust`): give the role its password (as a
 * SCRAM verifier, so no statement carries the password), require passwords in pg_hba.conf and
 * reload. Connections already open stay; new ones need the password.
 */
async function requirePasswords(
  input: {
    adminUrl: string;
    pgData: string;
    password: string;
    user: { uid: number; gid: number } | undefined;
  },
  progress: Progress,
): Promise<void> {
  const hbaFile = join(input.pgData, "pg_hba.conf");
  if (!allowsTrust(readFileSync(hbaFile, "utf8"))) return;
  await withPgClient({ connectionString: input.adminUrl }, async (client) => {
    await client.query(`ALTER ROLE postgres PASSWORD '${scramVerifier(input.password)}'`);
    writeFileSync(hbaFile, pgHbaConf);
    if (input.user) chownSync(hbaFile, input.user.uid, input.user.gid);
    await client.query("SELECT pg_reload_conf()");
  });
  progress(
    "postgres: this cluster accepted connections without a password (trust, from an older syncbench); " +
      "the role postgres now has the stack's password (data/secrets.json) and pg_hba.conf requires SCRAM-SHA-256",
  );
}

/**
 * A connection forks a backend and runs SCRAM on both sides: 1.5 s was too short at load average
 * 30, where a healthy Postgres read as "timeout expired" and `up` ended in exit 3.
 */
const healthConnectTimeoutMs = 5000;

export async function checkPostgres(url: string): Promise<HealthResult> {
  const client = pgClient({
    connectionString: url,
    connectionTimeoutMillis: healthConnectTimeoutMs,
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
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
