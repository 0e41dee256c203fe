// Unit tests of the testcontainers provider's configuration, which run without a Docker engine:
// pinned images and package versions, and the container nginx configuration.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
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
});
