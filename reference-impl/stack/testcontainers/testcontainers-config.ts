// Pinned images and settings of the testcontainers provider, kept as data so they can be unit
// tested on machines without a Docker engine. testcontainers 12.x needs Node >= 22.22 (its undici 8
// crashes at import on Node 20), so the project pinned 11.14.0; @testcontainers/redpanda has only
// 10.28.0 and 12.x, hence 10.28.0. On Node 24 (decision 0010) 12.x loads, but moving waits for a
// machine with a Docker engine to test it on. LocalStack tags after 4.14.0 need an auth token.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultNativeConfig } from "../native/native-config.ts";
import { nginxValues, renderTemplate } from "../native/nginx.ts";
import type { StackSecrets } from "../native/stack-secrets.ts";
export const containerImages = {
  postgres: "postgres:15-alpine",
  localstack: "localstack/localstack:4.14.0",
  redpanda: "docker.redpanda.com/redpandadata/redpanda:v23.3.10",
  redis: "redis:7-alpine",
  nginx: "nginx:1.27-alpine",
} as const;

export const containerPackageVersions = {
  testcontainers: "11.14.0",
  "@testcontainers/postgresql": "11.14.0",
  "@testcontainers/localstack": "11.14.0",
  "@testcontainers/redpanda": "10.28.0",
} as const;

/** Label put on every container, so `down` removes exactly the containers `up` created. */
export const stackLabel = "dev.syncbench.stack";

export const localstackEnvironment = (authToken: string | undefined): Record<string, string> => ({
  SERVICES: "s3",
  ...(authToken ? { LOCALSTACK_AUTH_TOKEN: authToken } : {}),
});

export const localstackAlias = "s3";

/** Where the Redis container reads its configuration (the password stays out of its command line). */
export const redisConfPath = "/usr/local/etc/redis/redis.conf";

/** The container stack's credentials come from the same per-stack secrets file as the native one. */
export function containerCredentials(
  secrets: Pick<
    StackSecrets,
    "postgresPassword" | "redisPassword" | "s3AccessKeyId" | "s3SecretAccessKey"
  >,
) {
  return {
    postgres: { username: "postgres", password: secrets.postgresPassword, database: "syncbench" },
    redis: {
      password: secrets.redisPassword,
      conf: `requirepass ${secrets.redisPassword}\n`,
      command: ["redis-server", redisConfPath],
    },
    // LocalStack accepts any key pair; the stack's own pair keeps the endpoints alike.
    s3: { accessKeyId: secrets.s3AccessKeyId, secretAccessKey: secrets.s3SecretAccessKey },
  };
}
export const containerGatewayPort = 8080;
export const containerCdnPort = 8081;

/**
 * The same nginx template as the native stack, with the CDN's origin at LocalStack on the shared
 * container network and the service pools on the Docker host (host.docker.internal).
 */
export function renderContainerNginxConf(): string {
  const template = readFileSync(
    fileURLToPath(new URL("../../edge/nginx.conf.template", import.meta.url)),
    "utf8",
  );
  const values = nginxValues(defaultNativeConfig("/"), "/var/log/nginx", undefined);
  const conf = renderTemplate(template, {
    ...values,
    S3_URL: `http://${localstackAlias}:4566`,
    S3_HOST: `${localstackAlias}:4566`,
  })
    .replaceAll("127.0.0.1:", "host.docker.internal:")
    .replace(
      `listen host.docker.internal:${containerGatewayPort}`,
      `listen ${containerGatewayPort}`,
    )
    .replace(`listen host.docker.internal:${containerCdnPort}`, `listen ${containerCdnPort}`);
  // Inside the image nginx runs as root with its own temp paths; keep the prefix-relative ones.
  return conf
    .replace("pid nginx.pid;", "pid /tmp/nginx.pid;")
    .replace(/(client_body|proxy|fastcgi|uwsgi|scgi)_temp_path tmp\//g, "$1_temp_path /tmp/")
    .replace("proxy_cache_path cache", "proxy_cache_path /var/cache/nginx/blocks");
}
