// Redis from Debian's apt: the NotificationService's connection registry. No persistence: the
// registry is rebuilt from live sockets, so a restart costs nothing but re-registration. Clients
// authenticate with the stack's password, which reaches redis-server through a configuration file
// of mode 0600 (a --requirepass argument would show in `ps`).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { ensureAptBinary } from "./install.ts";
import type { NativeConfig } from "./native-config.ts";
import { servicePaths } from "./native-config.ts";
import {
  describeError,
  type HealthResult,
  type LaunchSpec,
  type NativeService,
} from "./native-service.ts";
import { stackSecrets } from "./stack-secrets.ts";

export function redisUrl(config: NativeConfig): string {
  return `redis://:${stackSecrets(config).redisPassword}@127.0.0.1:${config.ports.redis}`;
}

export function redisService(config: NativeConfig): NativeService {
  const paths = servicePaths(config, "redis");
  let binary = "redis-server";
  return {
    name: "redis",
    endpoint: `127.0.0.1:${config.ports.redis}`,
    stopSignal: "SIGTERM",
    stopGraceMs: 10_000,
    startTimeoutMs: 20_000,
    async install(progress) {
      binary = await ensureAptBinary(
        "redis-server",
        ["/usr/bin/redis-server"],
        "redis-server",
        progress,
      );
    },
    async prepare(): Promise<LaunchSpec> {
      mkdirSync(paths.dataDir, { recursive: true });
      const confFile = join(paths.dataDir, "redis.conf");
      writeFileSync(confFile, `requirepass ${stackSecrets(config).redisPassword}\n`, {
        mode: 0o600,
      });
      return {
        command: binary,
        args: [
          confFile,
          "--port",
          String(config.ports.redis),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--daemonize",
          "no",
          "--dir",
          paths.dataDir,
          "--logfile",
          "",
        ],
      };
    },
    check: () => checkRedis(redisUrl(config)),
  };
}

export async function checkRedis(url: string): Promise<HealthResult> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => undefined); // the failure is reported by the awaited connect below
  try {
    await client.connect();
    const info = await client.info("server");
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "?";
    return { healthy: true, implementation: `Redis ${version}` };
  } catch (error) {
    return { healthy: false, implementation: "Redis", detail: describeError(error) };
  } finally {
    client.disconnect();
  }
}
