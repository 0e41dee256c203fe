// Unit tests of the testcontainers provider's configuration, which run without a Docker engine:
// pinned images and package versions, and the container nginx configuration.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serviceKinds, serviceProcessEnv } from "../native/app-services.ts";
import { defaultNativeConfig } from "../native/native-config.ts";
import {
  containerNetworkEndpoints,
  kafkaExternalPort,
  redpandaCommand,
  renderContainerNginxConfFor,
  serverAliases,
  serviceContainerDefinitions,
  serviceImage,
  containerCredentials,
  containerImages,
  containerPackageVersions,
  localstackEnvironment,
  redisConfPath,
  renderContainerNginxConf,
} from "./testcontainers-config.ts";

const packageJson = JSON.parse(
  readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
) as {
  dependencies: Record<string, string>;
};

describe("testcontainers configuration", () => {
  it("pins every image to a tag (never latest), LocalStack at 4.14.0 (later tags need a token)", () => {
    for (const image of Object.values(containerImages)) expect(image).toMatch(/:[\w.-]+$/);
    expect(Object.values(containerImages).some((i) => i.endsWith(":latest"))).toBe(false);
    expect(containerImages.localstack).toBe("localstack/localstack:4.14.0");
  });

  it("package.json pins the testcontainers versions as runtime dependencies (up imports them)", () => {
    for (const [name, version] of Object.entries(containerPackageVersions)) {
      expect(packageJson.dependencies[name]).toBe(version);
    }
  });

  it("passes a LocalStack auth token only when one is set", () => {
    expect(localstackEnvironment(undefined)).toEqual({ SERVICES: "s3" });
    expect(localstackEnvironment("t")).toEqual({ SERVICES: "s3", LOCALSTACK_AUTH_TOKEN: "t" });
  });

  it("renders nginx for the container: listens on all interfaces, CDN origin is the DownloadService pool", () => {
    const conf = renderContainerNginxConf();
    expect(conf).toContain("listen 8080;");
    expect(conf).toContain("listen 8081;");
    // The CDN edge's origin and its auth subrequests: the DownloadServices on the host.
    expect(conf).toMatch(/proxy_pass http:\/\/download_pool\/internal\/block-grant;/);
    expect(conf).toContain("server host.docker.internal:7121");
    expect(conf).toContain("server host.docker.internal:7101");
    expect(conf).not.toContain("127.0.0.1");
  });

  it("gives the containers the stack's own credentials: a Postgres password, a Redis password in a file, S3 keys", () => {
    const secrets = {
      postgresPassword: "pg-pw-0123456789",
      redisPassword: "redis-pw-0123456789",
      s3AccessKeyId: "SBABCDEF0123456789",
      s3SecretAccessKey: "s3-secret-0123456789",
    };
    const c = containerCredentials(secrets);
    expect(c.postgres).toEqual({
      username: "postgres",
      password: "pg-pw-0123456789",
      database: "syncbench",
    });
    expect(c.redis.conf).toBe("requirepass redis-pw-0123456789\n");
    expect(c.redis.command).toEqual(["redis-server", redisConfPath]); // no password on the command line
    expect(c.redis.command.join(" ")).not.toContain(secrets.redisPassword);
    expect(c.s3).toEqual({
      accessKeyId: "SBABCDEF0123456789",
      secretAccessKey: "s3-secret-0123456789",
    });
  });

  describe("service containers", () => {
    const secrets = {
      jwtSecret: "jwt-0123456789abcdef",
      possessionKey: "possession-0123456789",
      postgresPassword: "pg-pw-0123456789",
      redisPassword: "redis-pw-0123456789",
      s3AccessKeyId: "SBABCDEF0123456789",
      s3SecretAccessKey: "s3-secret-0123456789",
      blockUrlKey: "block-url-0123456789",
    };
    const native = { ...defaultNativeConfig("/"), chunkServiceCount: 3 };
    const endpoints = containerNetworkEndpoints(
      containerCredentials(secrets),
      "http://127.0.0.1:8081",
    );
    const definitions = serviceContainerDefinitions(native, endpoints, secrets);

    it("runs the native pools' processes, same names and ports, from the one services image", () => {
      expect(definitions.map((d) => `${d.name}@${d.port}`)).toEqual([
        "chunk-service-1@7101",
        "chunk-service-2@7102",
        "chunk-service-3@7103",
        "download-service-1@7121",
        "download-service-2@7122",
        "notification-service-1@7141",
        "notification-service-2@7142",
        "gc-worker@7119",
      ]);
      for (const d of definitions) {
        expect(d.image).toBe(serviceImage);
        expect(d.command).toEqual([d.kind]);
        expect(Object.keys(serviceKinds)).toContain(d.kind);
      }
    });

    it("passes the native provider's env, name for name and value for value, plus the listen address", () => {
      for (const d of definitions) {
        const nativeEnv = serviceProcessEnv(d.kind, endpoints, secrets, d.port, d.name);
        expect(d.env).toEqual({ ...nativeEnv, SYNCBENCH_SERVICE_HOST: "0.0.0.0" });
      }
      const chunk = definitions[0]!.env;
      expect(chunk.SYNCBENCH_POSSESSION_KEY).toBe(secrets.possessionKey);
      expect(chunk.SYNCBENCH_JWT_SECRET).toBe(secrets.jwtSecret);
      expect(
        definitions.find((d) => d.kind === "download-service")!.env.SYNCBENCH_BLOCK_URL_KEY,
      ).toBe(secrets.blockUrlKey);
    });

    it("points the services at the servers by network alias and in-container port", () => {
      const env = definitions[0]!.env;
      expect(env.SYNCBENCH_POSTGRES_URL).toBe(
        "postgres://postgres:pg-pw-0123456789@postgres:5432/syncbench",
      );
      expect(env.SYNCBENCH_S3_URL).toBe("http://s3:4566");
      expect(env.SYNCBENCH_KAFKA_BROKERS).toBe("kafka:9092");
      expect(env.SYNCBENCH_REDIS_URL).toBe("redis://:redis-pw-0123456789@redis:6379");
      expect(env.SYNCBENCH_CDN_URL).toBe("http://127.0.0.1:8081");
      expect(redpandaCommand("127.0.0.1:19792")).toContain(
        `--advertise-kafka-addr=internal://kafka:9092,external://127.0.0.1:19792`,
      );
      expect(redpandaCommand("x:1").join(" ")).toContain(`external://0.0.0.0:${kafkaExternalPort}`);
    });

    it("checks each container's health on its own port, and starts it after its servers only", () => {
      for (const d of definitions) {
        expect(d.healthcheck.test[0]).toBe("CMD");
        expect(d.healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${d.port}/healthz`);
        expect(d.healthcheck.retries).toBeGreaterThan(0);
        for (const server of d.dependsOn) expect(Object.keys(serverAliases)).toContain(server);
        expect(d.dependsOn).not.toContain("nginx");
      }
      const gc = definitions.find((d) => d.kind === "gc-worker")!;
      expect([...gc.dependsOn].sort()).toEqual(["kafka", "postgres", "s3"]);
      const chunk = definitions.find((d) => d.kind === "chunk-service")!;
      expect([...chunk.dependsOn].sort()).toEqual(["kafka", "postgres", "redis", "s3"]);
    });

    it("routes the gateway's pools and the CDN's auth_request to the service containers", () => {
      const conf = renderContainerNginxConfFor(definitions);
      expect(conf).toMatch(/upstream upload_pool \{[^}]*server chunk-service-3:7103 /);
      expect(conf).toMatch(/upstream download_pool \{[^}]*server download-service-2:7122 /);
      expect(conf).toMatch(/upstream push_pool \{[^}]*server notification-service-1:7141 /);
      expect(conf).toMatch(/proxy_pass http:\/\/download_pool\/internal\/block-grant;/);
      expect(conf).not.toContain("host.docker.internal");
    });
  });
});
