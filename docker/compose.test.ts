// docker/compose.yaml checked without a Docker engine: valid against the Compose Specification's
// JSON Schema (shipped by the docker-compose npm package, from github.com/compose-spec/compose-spec),
// its services passing the native provider's variable names, its gateway routing to them, and
// the mounted nginx.conf the same as the renderer's output.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { defaultNativeConfig } from "../reference-impl/stack/native/native-config.ts";
import {
  redpandaCommand,
  renderContainerNginxConfFor,
  serviceContainerDefinitions,
  serviceImage,
} from "../reference-impl/stack/testcontainers/testcontainers-config.ts";

const require = createRequire(import.meta.url);
// Its "$schema" is draft-07 spelt "https://json-schema.org/draft-07/schema", an id Ajv does not
// know (Ajv's default draft is 07, under "http://…/schema#"): dropped, Ajv's own draft-07 applies.
const { $schema: _draft, ...schema } = JSON.parse(
  readFileSync(require.resolve("docker-compose/schema/compose-spec.json"), "utf8"),
) as Record<string, unknown>;
const composeText = readFileSync(new URL("./compose.yaml", import.meta.url), "utf8");

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const compose = parse(composeText) as { services: Record<string, ComposeService> };

const endpoints = {
  postgresUrl: "postgres://u:p@postgres:5432/syncbench",
  s3: {
    url: "http://s3:4566",
    region: "us-east-1",
    accessKeyId: "a",
    secretAccessKey: "s",
    bucket: "blocks",
  },
  kafkaBrokers: ["kafka:9092"],
  kafkaTopic: "file-events",
  kafkaPartitionCount: 64,
  redisUrl: "redis://:p@redis:6379",
  gatewayUrl: "http://nginx:8080",
  cdnUrl: "http://127.0.0.1:8081",
};
const secrets = {
  jwtSecret: "j".repeat(32),
  possessionKey: "k".repeat(32),
  postgresPassword: "p",
  redisPassword: "r",
  s3AccessKeyId: "a",
  s3SecretAccessKey: "s",
  blockUrlKey: "b".repeat(32),
};
const native = defaultNativeConfig("/");
const definitions = serviceContainerDefinitions(native, endpoints, secrets);

function validate(document: unknown) {
  // The schema uses "format": "duration" and other compose-only formats: checked by type alone.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const check = ajv.compile(schema);
  return check(document) ? [] : (check.errors ?? []);
}

describe("docker/compose.yaml", () => {
  it("is valid against the Compose Specification schema", () => {
    expect(validate(compose)).toEqual([]);
  });

  it("the schema check can fail: a misspelt key and a wrong type are reported", () => {
    const broken = structuredClone(compose) as Record<string, unknown> & typeof compose;
    (broken.services.redis as unknown as Record<string, unknown>).helthcheck = {};
    (broken.services.postgres as unknown as Record<string, unknown>).ports = "54329:5432";
    expect(validate(broken).length).toBeGreaterThanOrEqual(2);
  });

  it("runs every service container of the native pools, from the services image", () => {
    for (const d of definitions) {
      const service = compose.services[d.name];
      expect(service, d.name).toBeDefined();
      expect(service!.image).toBe(serviceImage);
      expect(service!.command).toEqual(d.command);
    }
    const composeServices = Object.values(compose.services).filter((s) => s.image === serviceImage);
    expect(composeServices).toHaveLength(definitions.length);
  });

  it("passes each service exactly the variable names the native provider passes (plus the listen address)", () => {
    for (const d of definitions) {
      const environment = compose.services[d.name]!.environment!;
      expect(Object.keys(environment).sort(), d.name).toEqual(Object.keys(d.env).sort());
      expect(environment.SYNCBENCH_SERVICE_PORT).toBe(String(d.port));
      expect(environment.SYNCBENCH_POD_ID).toBe(d.name);
      expect(environment.SYNCBENCH_SERVICE_HOST).toBe("0.0.0.0");
    }
  });

  it("starts services after the servers they use are healthy, and the gateway after the services", () => {
    for (const d of definitions) {
      const dependsOn = compose.services[d.name]!.depends_on!;
      for (const server of d.dependsOn)
        expect(dependsOn[server]?.condition).toBe("service_healthy");
      expect(compose.services[d.name]!.healthcheck!.test).toEqual(d.healthcheck.test);
    }
    // Services that write blocks wait for the bucket, those that read events for the topic.
    for (const d of definitions) {
      const dependsOn = compose.services[d.name]!.depends_on!;
      if (d.dependsOn.includes("s3"))
        expect(dependsOn["s3-setup"]?.condition).toBe("service_completed_successfully");
      if (d.dependsOn.includes("kafka"))
        expect(dependsOn["kafka-setup"]?.condition).toBe("service_completed_successfully");
    }
    const nginxDependsOn = compose.services.nginx!.depends_on!;
    // The gateway waits for its pools' members; the GcWorker sits behind no route.
    for (const d of definitions.filter((d) => d.kind !== "gc-worker"))
      expect(nginxDependsOn[d.name]?.condition).toBe("service_healthy");
    expect(nginxDependsOn["gc-worker"]).toBeUndefined();
  });

  it("runs Redpanda with the provider's listeners (in-network kafka:9092, host 127.0.0.1:19092)", () => {
    expect(compose.services.kafka!.command).toEqual(redpandaCommand("127.0.0.1:19092"));
  });

  it("mounts the nginx.conf the renderer prints: pools at the service containers, CDN auth_request", () => {
    const mounted = readFileSync(new URL("./nginx.conf", import.meta.url), "utf8");
    expect(mounted).toBe(renderContainerNginxConfFor(definitions));
    expect(mounted).toMatch(
      /upstream upload_pool \{[^}]*server chunk-service-1:7101 [^}]*server chunk-service-2:7102 /,
    );
    expect(mounted).toMatch(
      /upstream download_pool \{[^}]*server download-service-1:7121 [^}]*server download-service-2:7122 /,
    );
    expect(mounted).toMatch(/upstream push_pool \{[^}]*server notification-service-1:7141 /);
    expect(mounted).toMatch(/location \/v1\/notifications \{[^}]*proxy_pass http:\/\/push_pool/);
    expect(mounted).toContain("auth_request /_edge/authorise;");
    expect(mounted).not.toContain("host.docker.internal");
  });
});
