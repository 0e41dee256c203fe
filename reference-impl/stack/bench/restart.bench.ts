// How fast the supervisor brings each process of the running native stack back after kill -9:
// for each one, SIGKILL by the PID `status` reports, then "detected" (supervisord logs the exit),
// "restarted" (it logs the new spawn) and "back healthy" (the service's own health probe answers
// again), in seconds after the kill. Timing belongs here, never in a test (STYLE.md section 8).
// Run: npx tsx reference-impl/stack/bench/restart.bench.ts [name ...]   (kills processes of YOUR stack)
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { checkKafka } from "../native/kafka.ts";
import { NativeProvider } from "../native/native-provider.ts";
import { checkNginx } from "../native/nginx.ts";
import { checkPostgres, postgresUrl } from "../native/postgres.ts";
import { checkRedis, redisUrl } from "../native/redis.ts";
import { checkS3, s3Endpoint } from "../native/s3.ts";
import { supervisorPaths } from "../native/supervisor-config.ts";
import { loadStackConfig } from "../stack-config.ts";

const config = loadStackConfig(process.env).native;
const provider = new NativeProvider(config);
const logFile = supervisorPaths(config.rootDir).logFile;
const waitMaxMs = 180_000;

const probes: Record<string, () => Promise<boolean>> = {
  postgres: async () => (await checkPostgres(postgresUrl(config, "postgres"))).healthy,
  redis: async () => (await checkRedis(redisUrl(config))).healthy,
  s3: async () => (await checkS3(s3Endpoint(config), "s3")).healthy,
  kafka: async () => (await checkKafka([`127.0.0.1:${config.ports.kafka}`])).healthy,
  nginx: async () => (await checkNginx(config)).healthy,
};
const poolBase: Record<string, number> = {
  "chunk-service": config.ports.chunkServiceBase,
  "download-service": config.ports.downloadServiceBase,
  "notification-service": config.ports.notificationServiceBase,
};
/** A pool member "<kind>-service-<i>" answers /healthz on its pool's base port + i - 1. */
const probe = (name: string) =>
  probes[name] ??
  (async () => {
    const [, kind, index] = /^(\w+-service)-(\d+)$/.exec(name) ?? [];
    const base = poolBase[kind ?? ""];
    if (base === undefined) throw new Error(`no health probe for ${name}`);
    const response = await fetch(`http://127.0.0.1:${base + Number(index) - 1}/healthz`, {
      signal: AbortSignal.timeout(1500),
    }).catch(() => undefined);
    return response?.ok === true;
  });

/** The time of the first supervisord log line for `name` matching `what`, after `sinceMs`. */
function logTime(name: string, what: "exited" | "spawned", sinceMs: number): number | undefined {
  const pattern =
    what === "exited"
      ? new RegExp(`^(\\S+ \\S+),(\\d+) \\w+ exited: ${name} \\(`)
      : new RegExp(`^(\\S+ \\S+),(\\d+) \\w+ spawned: '${name}'`);
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const m = pattern.exec(line);
    if (!m) continue;
    const at = new Date(`${(m[1] as string).replace(" ", "T")}.${m[2]}`).getTime(); // supervisord logs local time
    if (at >= sinceMs - 5) return at;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(name: string): Promise<string> {
  const before = (await provider.status()).services.find((s) => s.name === name);
  if (!before?.pid || !before.healthy)
    return `| ${name} | not running and healthy before the kill | | | |`;
  const killedAtMs = Date.now();
  process.kill(before.pid, "SIGKILL");
  let healthyAtMs: number | undefined;
  await sleep(200); // the probe must not see the dying process still answering
  while (healthyAtMs === undefined && Date.now() - killedAtMs < waitMaxMs) {
    if (logTime(name, "spawned", killedAtMs) !== undefined && (await probe(name)()))
      healthyAtMs = Date.now();
    else await sleep(50);
  }
  const s = (at: number | undefined) =>
    at === undefined ? "-" : ((at - killedAtMs) / 1000).toFixed(2);
  return (
    `| ${name} | ${s(logTime(name, "exited", killedAtMs))} | ${s(logTime(name, "spawned", killedAtMs))} | ` +
    `${s(healthyAtMs)} | ${healthyAtMs === undefined ? `not healthy within ${waitMaxMs / 1000} s` : ""} |`
  );
}

const names =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : [
        ...["redis", "s3", "nginx", "chunk-service-1", "download-service-1"],
        ...["notification-service-1", "postgres", "kafka"],
      ];
process.stdout.write(
  `kill -9 each process of the stack in ${config.rootDir}, one at a time (seconds after the kill)\n` +
    "| process | detected (exit logged) | restarted (spawn logged) | back healthy | note |\n|---|---|---|---|---|\n",
);
process.stdout.write(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
for (const name of names) {
  const status = await provider.status();
  if (!status.services.every((x) => x.healthy)) await provider.up(); // start each row from a healthy stack
  process.stdout.write(`${await measure(name)}\n`);
}
process.stdout.write(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
