// The endpoints every provider hands to services, tests and the harness, and the environment
// variable names that carry them. Both providers (native, testcontainers) fill the same shape, so
// nothing downstream branches on how the stack was started.

export interface S3Endpoint {
  readonly url: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
}

export interface Endpoints {
  /** postgres://user:password@host:port/db */
  readonly postgresUrl: string;
  readonly s3: S3Endpoint;
  /** host:port list of Kafka bootstrap brokers */
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly kafkaPartitionCount: number;
  /** redis://:password@host:port */
  readonly redisUrl: string;
  /** ApiGateway base URL (UploadLB, DownloadLB and WebSocket routes) */
  readonly gatewayUrl: string;
  /** CDN edge base URL (proxy_cache in front of the S3 bucket) */
  readonly cdnUrl: string;
}

/** Endpoints without credentials: what `status` prints (URLs keep their user, lose the password). */
export type PublicEndpoints = Omit<Endpoints, "s3"> & {
  readonly s3: Omit<S3Endpoint, "accessKeyId" | "secretAccessKey">;
};

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password === "") return url;
  parsed.password = "";
  return parsed.toString();
}

export function redactEndpoints(e: Endpoints): PublicEndpoints {
  const { accessKeyId: _id, secretAccessKey: _secret, ...s3 } = e.s3;
  return {
    ...e,
    postgresUrl: withoutPassword(e.postgresUrl),
    redisUrl: withoutPassword(e.redisUrl),
    s3,
  };
}

export const endpointEnvNames = {
  postgresUrl: "SYNCBENCH_POSTGRES_URL",
  s3Url: "SYNCBENCH_S3_URL",
  s3Region: "SYNCBENCH_S3_REGION",
  s3AccessKeyId: "SYNCBENCH_S3_ACCESS_KEY_ID",
  s3SecretAccessKey: "SYNCBENCH_S3_SECRET_ACCESS_KEY",
  s3Bucket: "SYNCBENCH_S3_BUCKET",
  kafkaBrokers: "SYNCBENCH_KAFKA_BROKERS",
  kafkaTopic: "SYNCBENCH_KAFKA_TOPIC",
  kafkaPartitionCount: "SYNCBENCH_KAFKA_PARTITIONS",
  redisUrl: "SYNCBENCH_REDIS_URL",
  gatewayUrl: "SYNCBENCH_GATEWAY_URL",
  cdnUrl: "SYNCBENCH_CDN_URL",
} as const;

export function endpointsToEnv(e: Endpoints): Record<string, string> {
  const n = endpointEnvNames;
  return {
    [n.postgresUrl]: e.postgresUrl,
    [n.s3Url]: e.s3.url,
    [n.s3Region]: e.s3.region,
    [n.s3AccessKeyId]: e.s3.accessKeyId,
    [n.s3SecretAccessKey]: e.s3.secretAccessKey,
    [n.s3Bucket]: e.s3.bucket,
    [n.kafkaBrokers]: e.kafkaBrokers.join(","),
    [n.kafkaTopic]: e.kafkaTopic,
    [n.kafkaPartitionCount]: String(e.kafkaPartitionCount),
    [n.redisUrl]: e.redisUrl,
    [n.gatewayUrl]: e.gatewayUrl,
    [n.cdnUrl]: e.cdnUrl,
  };
}

/** Reads endpoints back from the environment; returns the names of the variables that are missing. */
export function endpointsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; endpoints: Endpoints } | { ok: false; missing: string[] } {
  const n = endpointEnvNames;
  const missing = Object.values(n).filter((name) => !env[name]);
  if (missing.length > 0) return { ok: false, missing };
  const get = (name: string): string => env[name] as string;
  return {
    ok: true,
    endpoints: {
      postgresUrl: get(n.postgresUrl),
      s3: {
        url: get(n.s3Url),
        region: get(n.s3Region),
        accessKeyId: get(n.s3AccessKeyId),
        secretAccessKey: get(n.s3SecretAccessKey),
        bucket: get(n.s3Bucket),
      },
      kafkaBrokers: get(n.kafkaBrokers).split(","),
      kafkaTopic: get(n.kafkaTopic),
      kafkaPartitionCount: Number(get(n.kafkaPartitionCount)),
      redisUrl: get(n.redisUrl),
      gatewayUrl: get(n.gatewayUrl),
      cdnUrl: get(n.cdnUrl),
    },
  };
}
