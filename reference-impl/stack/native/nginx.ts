// nginx from Debian's apt as the ApiGateway (UploadLB and DownloadLB pools, WebSocket upgrade) and
// the CDN edge (proxy_cache in front of the S3 server), rendered from reference-impl/edge/. It runs
// in the foreground (`daemon off`) so the PID we record is the master's.
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../../core/errors.ts";
import { edgeTemplateValues, upstreamServerParameters } from "../../edge/edge-limits.ts";
import { ensureAptBinary } from "./install.ts";
import type { NativeConfig } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import {
  describeError,
  type HealthResult,
  type LaunchSpec,
  type NativeService,
} from "./native-service.ts";
import { runCommand } from "./run-command.ts";
import { s3Endpoint } from "./s3.ts";

const templateFile = fileURLToPath(new URL("../../edge/nginx.conf.template", import.meta.url));
/** Clears the workers a SIGKILLed master left behind, then execs nginx (see the script). */
const startScript = fileURLToPath(new URL("./nginx-start.sh", import.meta.url));

function pool(base: number, count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `    server 127.0.0.1:${base + i} ${upstreamServerParameters};`,
  ).join("\n");
}

/** Replaces every ${NAME}; a name without a value is an error, so no placeholder reaches nginx. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new SyncbenchError("STACK_TEMPLATE", `nginx template needs \${${name}}`);
    return value;
  });
}

export function nginxValues(config: NativeConfig, logDir: string, user: string | undefined) {
  const s3 = s3Endpoint(config);
  const { ports } = config;
  return {
    USER_DIRECTIVE: user ? `user ${user};` : "# (not root: workers run as the current user)",
    LOG_DIR: logDir,
    UPLOAD_SERVERS: pool(ports.chunkServiceBase, config.chunkServiceCount),
    DOWNLOAD_SERVERS: pool(ports.downloadServiceBase, config.downloadServiceCount),
    PUSH_SERVERS: pool(ports.notificationServiceBase, config.notificationServiceCount),
    GATEWAY_PORT: String(ports.gateway),
    CDN_PORT: String(ports.cdn),
    ...edgeTemplateValues(), // body sizes per route and the gateway's JSON errors, from core/limits.ts
    CDN_CACHE_MAX: "2g",
    S3_URL: s3.url,
    S3_HOST: new URL(s3.url).host,
    S3_BUCKET: s3.bucket,
  };
}

export function nginxService(config: NativeConfig): NativeService {
  const paths = servicePaths(config, "nginx");
  const confFile = join(paths.dataDir, "nginx.conf");
  let binary = "nginx";
  // As root the workers run as www-data, which must own the cache and temp folders.
  const workerUser = process.getuid?.() === 0 ? "www-data" : undefined;
  const render = () =>
    renderTemplate(
      readFileSync(templateFile, "utf8"),
      nginxValues(config, join(config.rootDir, "logs"), workerUser),
    );
  // `up` prepares every service, also one found running; refresh then reloads what prepare changed.
  let changedByPrepare = false;
  const writeCheckedConf = async () => {
    const previous = existsSync(confFile) ? readFileSync(confFile, "utf8") : undefined;
    const next = render();
    if (previous === next) return;
    changedByPrepare = true;
    writeFileSync(confFile, next);
    const test = await runCommand(binary, ["-t", "-p", paths.dataDir, "-c", confFile], {
      timeoutMs: 10_000,
    });
    if (test.exitCode !== 0) {
      if (previous !== undefined) writeFileSync(confFile, previous); // keep the configuration that worked
      throw new SyncbenchError(
        "ENV_MISSING",
        `nginx rejected ${confFile}: ${test.output.slice(-600)}; the previous configuration was kept`,
      );
    }
  };
  return {
    name: "nginx",
    endpoint: `http://127.0.0.1:${config.ports.gateway} (gateway), http://127.0.0.1:${config.ports.cdn} (cdn)`,
    stopSignal: "SIGQUIT", // graceful: finish requests in flight
    stopGraceMs: 10_000,
    startTimeoutMs: 15_000,
    async install(progress) {
      binary = await ensureAptBinary("nginx", ["/usr/sbin/nginx"], "nginx-light", progress);
    },
    async prepare(): Promise<LaunchSpec> {
      for (const dir of ["cache", "tmp"]) mkdirSync(join(paths.dataDir, dir), { recursive: true });
      if (workerUser) chownTree(paths.dataDir, workerUser);
      await writeCheckedConf();
      return {
        command: "/bin/sh",
        args: [
          startScript,
          join(paths.dataDir, "nginx.pid"),
          binary,
          "-p",
          paths.dataDir,
          "-c",
          confFile,
          "-g",
          "daemon off;",
        ],
      };
    },
    async refresh(pid, progress) {
      await writeCheckedConf();
      if (!changedByPrepare) return;
      changedByPrepare = false;
      process.kill(pid, "SIGHUP"); // nginx re-reads its configuration without dropping connections
      progress("nginx: configuration changed (service pools), reloaded");
    },
    check: () => checkNginx(config),
  };
}

function chownTree(dir: string, user: string): void {
  const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
  for (const sub of ["", "cache", "tmp"]) chownSync(join(dir, sub), uid, gid);
}

async function probe(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await response.arrayBuffer();
    return response.ok ? undefined : `${url} answered ${response.status}`;
  } catch (error) {
    return `${url}: ${describeError(error)}`;
  }
}

export async function checkNginx(config: NativeConfig): Promise<HealthResult> {
  const problems = (
    await Promise.all([
      probe(`http://127.0.0.1:${config.ports.gateway}/healthz`),
      probe(`http://127.0.0.1:${config.ports.cdn}/healthz`),
    ])
  ).filter((p): p is string => p !== undefined);
  return problems.length === 0
    ? { healthy: true, implementation: "nginx (gateway + CDN edge)" }
    : { healthy: false, implementation: "nginx", detail: problems.join("; ") };
}
