// Pinned images and settings of the testcontainers provider, kept as data so they can be unit
// tested on machines without a Docker engine. testcontainers 12.x needs Node >= 22.22 (its undici 8
// crashes at import on Node 20), so the project pinned 11.14.0; @testcontainers/redpanda has only
// 10.28.0 and 12.x, hence 10.28.0. On Node 24 (decision 0010) 12.x loads, but moving waits for a
// machine with a Docker engine to test it on. LocalStack tags after 4.14.0 need an auth token.
import { readFileSync } from "node:fs";
import { partitionCount } from "../../core/design-figures.ts";
import { fileURLToPath } from "node:url";
import { defaultNativeConfig } from "../native/native-config.ts";
import { nginxValues, renderTemplate } from "../native/nginx.ts";
import type { StackSecrets } from "../native/stack-secrets.ts";
import { serviceProcessEnv, type ServiceKind } from "../native/app-services.ts";
import type { NativeConfig } from "../native/native-config.ts";
import type { Endpoints } from "../endpoints.ts";
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
export function renderContainerNginxConf(
  counts?: Pick<
    NativeConfig,
    "chunkServiceCount" | "downloadServiceCount" | "notificationServiceCount"
  >,
): string {
  const template = readFileSync(
    fileURLToPath(new URL("../../edge/nginx.conf.template", import.meta.url)),
    "utf8",
  );
  const values = nginxValues(
    { ...defaultNativeConfig("/"), ...counts },
    "/var/log/nginx",
    undefined,
  );
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

/** The services image, built from docker/Dockerfile at the repository root. */
export const serviceImage = "syncbench-services:local";
export const serviceDockerfile = "docker/Dockerfile";

/** Network aliases of the servers, the same names as the services of docker/compose.yaml. */
export const serverAliases = {
  postgres: "postgres",
  s3: localstackAlias,
  kafka: "kafka",
  redis: "redis",
  nginx: "nginx",
} as const;

/** Redpanda's in-network listener; the external one is advertised at the host port given. */
export const kafkaInternalPort = 9092;
export const kafkaExternalPort = 19092;
export function redpandaCommand(externalAdvertised: string): string[] {
  return [
    "redpanda",
    "start",
    "--mode=dev-container",
    "--smp=1",
    `--kafka-addr=internal://0.0.0.0:${kafkaInternalPort},external://0.0.0.0:${kafkaExternalPort}`,
    `--advertise-kafka-addr=internal://${serverAliases.kafka}:${kafkaInternalPort},external://${externalAdvertised}`,
    "--default-log-level=warn",
  ];
}

/**
 * The endpoints as the service containers see them: the servers by their network aliases and
 * in-container ports; the gateway and CDN by the nginx alias (the DownloadService signs CDN URLs
 * with cdnUrl, so the harness on the host rewrites nothing: see the README's Docker section).
 */
export function containerNetworkEndpoints(
  credentials: ReturnType<typeof containerCredentials>,
  cdnUrl: string,
): Endpoints {
  const pg = credentials.postgres;
  return {
    postgresUrl: `postgres://${pg.username}:${pg.password}@${serverAliases.postgres}:5432/${pg.database}`,
    s3: {
      url: `http://${serverAliases.s3}:4566`,
      region: "us-east-1",
      ...credentials.s3,
      bucket: "blocks",
    },
    kafkaBrokers: [`${serverAliases.kafka}:${kafkaInternalPort}`],
    kafkaTopic: "file-events",
    kafkaPartitionCount: partitionCount,
    redisUrl: `redis://:${credentials.redis.password}@${serverAliases.redis}:6379`,
    gatewayUrl: `http://${serverAliases.nginx}:${containerGatewayPort}`,
    cdnUrl,
  };
}

export interface ServiceContainerDefinition {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly image: string;
  /** The image's entry point takes the service kind as its argument. */
  readonly command: readonly string[];
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly healthcheck: {
    readonly test: readonly string[];
    readonly intervalMs: number;
    readonly retries: number;
  };
  /** Servers that must be healthy before this container starts. */
  readonly dependsOn: readonly (keyof typeof serverAliases)[];
}

const serviceDependsOn: Record<ServiceKind, readonly (keyof typeof serverAliases)[]> = {
  "chunk-service": ["postgres", "s3", "kafka", "redis"],
  "download-service": ["postgres", "s3", "redis"],
  "notification-service": ["kafka", "redis"],
  "gc-worker": ["postgres", "s3", "kafka"],
};

/**
 * One container per service process (the three pools and the one GcWorker), named, numbered and on
 * the same ports as the native stack's processes, with the env the native provider builds (serviceProcessEnv) plus the listen address.
 */
export function serviceContainerDefinitions(
  counts: Pick<
    NativeConfig,
    "chunkServiceCount" | "downloadServiceCount" | "notificationServiceCount"
  >,
  endpoints: Endpoints,
  secrets: StackSecrets,
): ServiceContainerDefinition[] {
  const ports = defaultNativeConfig("/").ports;
  const pools: [ServiceKind, number, number][] = [
    ["chunk-service", counts.chunkServiceCount, ports.chunkServiceBase],
    ["download-service", counts.downloadServiceCount, ports.downloadServiceBase],
    ["notification-service", counts.notificationServiceCount, ports.notificationServiceBase],
    ["gc-worker", 1, ports.gcWorker],
  ];
  return pools.flatMap(([kind, count, basePort]) =>
    Array.from({ length: count }, (_, i) => {
      const port = basePort + i;
      // As natively: the one GcWorker keeps its bare name, pool members are numbered.
      const name = kind === "gc-worker" ? kind : `${kind}-${i + 1}`;
      return {
        name,
        kind,
        image: serviceImage,
        command: [kind],
        port,
        env: {
          ...serviceProcessEnv(kind, endpoints, secrets, port, name),
          SYNCBENCH_SERVICE_HOST: "0.0.0.0",
        },
        healthcheck: {
          test: [
            "CMD",
            "node",
            "-e",
            `fetch("http://127.0.0.1:${port}/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
          ],
          intervalMs: 2000,
          retries: 30,
        },
        dependsOn: serviceDependsOn[kind],
      };
    }),
  );
}

/** The container nginx.conf with the pools at the service containers (alias:port) instead. */
export function renderContainerNginxConfFor(
  services: readonly Pick<ServiceContainerDefinition, "name" | "port" | "kind">[],
): string {
  const countOf = (kind: ServiceKind) => services.filter((s) => s.kind === kind).length;
  let conf = renderContainerNginxConf({
    chunkServiceCount: countOf("chunk-service"),
    downloadServiceCount: countOf("download-service"),
    notificationServiceCount: countOf("notification-service"),
  });
  for (const s of services)
    conf = conf.replace(`server host.docker.internal:${s.port} `, `server ${s.name}:${s.port} `);
  return conf;
}
