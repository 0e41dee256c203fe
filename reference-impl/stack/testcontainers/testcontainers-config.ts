// Pinned images and settings of the testcontainers provider, kept as data so they can be unit
// tested on machines without a Docker engine. testcontainers 12.x needs Node >= 22.22 (its undici 8
// crashes at import on Node 20), so the project pins 11.14.0; @testcontainers/redpanda has only
// 10.28.0 and 12.x, hence 10.28.0. LocalStack tags after 4.14.0 need an auth token.
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
