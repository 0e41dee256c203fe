// Prerequisite checks for `syncbench doctor`: each check says what it found and, when it fails,
// the command that fixes it. Missing tools that `up` installs by itself are warnings, not failures.
import { execFile } from "node:child_process";
import { statfsSync } from "node:fs";
import net from "node:net";
import { stripVTControlCharacters } from "node:util";
import { nodeVersionProblem } from "../runtime/version.ts";
import { dockerEngineAnswers } from "./docker-detect.ts";
import { postgresBinDir } from "./native/install.ts";
import { servicePaths, type NativeConfig } from "./native/native-config.ts";
import { isRecordAlive, readPidRecord } from "./native/process-control.ts";
import { which } from "./native/run-command.ts";

export type CheckLevel = "ok" | "warn" | "fail";

export interface DoctorCheck {
  readonly name: string;
  readonly level: CheckLevel;
  readonly found: string;
  readonly fix?: string;
}

function versionOf(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      const text = error
        ? `error: ${error.message}`
        : (`${stdout}${stderr}`.trim().split("\n")[0] ?? "");
      resolve(stripVTControlCharacters(text)); // mvn colours its banner
    });
  });
}

async function tool(
  name: string,
  args: string[],
  fix: string,
  requiredNow: boolean,
  paths: string[] = [],
): Promise<DoctorCheck> {
  const path = await which(name, paths);
  if (!path) return { name, level: requiredNow ? "fail" : "warn", found: "not found", fix };
  return { name, level: "ok", found: `${await versionOf(path, args)} (${path})` };
}

export function nodeCheck(version: string): DoctorCheck {
  const problem = nodeVersionProblem(version);
  return {
    name: "node",
    level: problem === undefined ? "ok" : "fail",
    found: version,
    ...(problem === undefined
      ? {}
      : {
          fix: `${problem}: run through npx or npm run (node_modules/.bin/node on Linux x64) or install Node 24 LTS`,
        }),
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function portChecks(
  config: NativeConfig,
  ownedPorts: ReadonlySet<number>,
): Promise<DoctorCheck[]> {
  const { ports } = config;
  const wanted: Array<[string, number]> = [
    ["postgres", ports.postgres],
    ["kafka", ports.kafka],
    ["kafka controller", ports.kafkaController],
    ["s3", ports.s3],
    ["redis", ports.redis],
    ["gateway", ports.gateway],
    ["cdn", ports.cdn],
  ];
  return Promise.all(
    wanted.map(async ([label, port]): Promise<DoctorCheck> => {
      if (ownedPorts.has(port))
        return { name: `port ${port}`, level: "ok", found: `in use by syncbench's ${label}` };
      return (await portFree(port))
        ? { name: `port ${port}`, level: "ok", found: `free (${label})` }
        : {
            name: `port ${port}`,
            level: "fail",
            found: `taken by another process (needed by ${label})`,
            fix: `find it with: ss -ltnp 'sport = :${port}'; stop it, or stop the other syncbench checkout`,
          };
    }),
  );
}

export function diskCheck(path: string, minFreeBytes = 5 * 1024 ** 3): DoctorCheck {
  const stats = statfsSync(path);
  const free = stats.bavail * stats.bsize;
  const found = `${(free / 1024 ** 3).toFixed(1)} GiB free at ${path}`;
  return free >= minFreeBytes
    ? { name: "disk", level: "ok", found }
    : {
        name: "disk",
        level: "fail",
        found,
        fix: "free at least 5 GiB (Kafka, the S3 data and the caches)",
      };
}

export async function runDoctor(
  config: NativeConfig,
  env: Readonly<Record<string, string | undefined>>,
  ownedPorts: ReadonlySet<number>,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [nodeCheck(process.version)];
  checks.push(
    await tool(
      "java",
      ["-version"],
      "apt-get install -y openjdk-17-jre-headless (Kafka 4 needs Java 17+)",
      false,
    ),
  );
  checks.push(
    await tool("mvn", ["-v"], "apt-get install -y maven (fetches the Kafka jars once)", false),
  );
  checks.push(
    await tool(
      "go",
      ["version"],
      "install Go to build versitygw; without it s3rver (npm) is used",
      false,
      ["/usr/local/go/bin/go"],
    ),
  );
  checks.push(
    await tool("postgres", ["--version"], "apt-get install -y postgresql-15", false, [
      `${postgresBinDir}/postgres`,
    ]),
  );
  checks.push(await tool("redis-server", ["--version"], "apt-get install -y redis-server", false));
  checks.push(
    await tool("nginx", ["-v"], "apt-get install -y nginx-light", false, ["/usr/sbin/nginx"]),
  );
  const root = process.getuid?.() === 0;
  checks.push({
    name: "apt installs",
    level: root ? "ok" : "warn",
    found: root
      ? "running as root: up can apt-get install"
      : "not root: up cannot apt-get install missing servers",
    ...(root ? {} : { fix: "install the warned packages with sudo" }),
  });
  checks.push(...(await portChecks(config, ownedPorts)));
  checks.push(diskCheck(config.rootDir.replace(/\/\.syncbench$/, "")));
  const docker = await dockerEngineAnswers(env);
  checks.push({
    name: "docker engine",
    level: "ok",
    found: docker
      ? "answers: provider testcontainers is available"
      : "none answers: provider native (testcontainers integration tests skip)",
  });
  return checks;
}

/** The loopback ports of the servers this checkout's `up` started and that still run. */
export function portsOwnedBySyncbench(config: NativeConfig): Set<number> {
  const owned = new Set<number>();
  const { ports } = config;
  const byService: Array<[string, number[]]> = [
    ["postgres", [ports.postgres]],
    ["kafka", [ports.kafka, ports.kafkaController]],
    ["s3", [ports.s3]],
    ["redis", [ports.redis]],
    ["nginx", [ports.gateway, ports.cdn]],
  ];
  for (const [service, servicePorts] of byService) {
    const record = readPidRecord(servicePaths(config, service).pidFile);
    if (isRecordAlive(record)) servicePorts.forEach((p) => owned.add(p));
  }
  return owned;
}

/** Every check of `syncbench doctor`; the ports this stack's own servers hold count as ok. */
export function doctorStack(
  config: NativeConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DoctorCheck[]> {
  return runDoctor(config, env, portsOwnedBySyncbench(config));
}
