// The services' configuration loaders: the common settings and each service's own come back
// frozen, and every problem of both is reported in one CONFIG_INVALID error.
import { describe, expect, it } from "vitest";
import { endpointEnvNames } from "../stack/endpoints.ts";
import {
  loadChunkServiceConfig,
  loadDownloadServiceConfig,
  loadNotificationServiceConfig,
} from "./config.ts";

const stackEnv: Record<string, string> = Object.fromEntries(
  Object.values(endpointEnvNames).map((name) => [
    name,
    name.endsWith("_URL") ? "http://127.0.0.1:9" : name.endsWith("PARTITIONS") ? "64" : "x",
  ]),
);
const env = {
  ...stackEnv,
  SYNCBENCH_SERVICE_PORT: "7121",
  SYNCBENCH_JWT_SECRET: "j".repeat(16),
  SYNCBENCH_POSSESSION_KEY: "p".repeat(16),
  SYNCBENCH_BLOCK_URL_KEY: "b".repeat(16),
};

describe("service configuration", () => {
  it("gives each service the common settings and its own, frozen", () => {
    const chunk = loadChunkServiceConfig(env);
    expect(chunk).toMatchObject({ port: 7121, podId: "chunk-7121", graceMs: 72 * 3_600_000 });
    expect(Object.isFrozen(chunk)).toBe(true);
    const download = loadDownloadServiceConfig(env);
    expect(download).toMatchObject({ podId: "download-7121", blockUrlTtlS: 300 });
    expect(download.cdnBaseUrl).toBe("http://127.0.0.1:9");
    expect(loadDownloadServiceConfig({ ...env, SYNCBENCH_CDN_BASE_URL: "" }).cdnBaseUrl).toBe(
      undefined,
    );
    expect(loadNotificationServiceConfig(env).podId).toBe("notification-7121");
  });

  it("reports the common and the service's own problems in one error", () => {
    const bad = { ...env, SYNCBENCH_SERVICE_PORT: "0", SYNCBENCH_BLOCK_URL_TTL_S: "99999" };
    expect(() => loadDownloadServiceConfig(bad)).toThrow(
      /invalid DownloadService configuration: SYNCBENCH_SERVICE_PORT must be a port 1\.\.65535, got "0"; SYNCBENCH_BLOCK_URL_TTL_S must be 1\.\.3600, got "99999"; not started/,
    );
    expect(() => loadChunkServiceConfig({ ...env, SYNCBENCH_POSSESSION_KEY: "" })).toThrow(
      /SYNCBENCH_POSSESSION_KEY must hold at least 16 characters/,
    );
  });
});
