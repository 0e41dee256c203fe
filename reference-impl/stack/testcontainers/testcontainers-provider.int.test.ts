// Brings the stack up with the testcontainers provider and checks each service answers, then
// removes the containers. Skips, saying why, where no Docker engine answers (as on this project's
// own machines, which run the native provider).
import { afterAll, describe, expect, it } from "vitest";
import { dockerEngineAnswers } from "../docker-detect.ts";
import { checkKafka } from "../native/kafka.ts";
import { checkPostgres } from "../native/postgres.ts";
import { checkRedis } from "../native/redis.ts";
import { checkS3 } from "../native/s3.ts";
import { TestcontainersProvider } from "./testcontainers-provider.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Folders this file made in the system temp folder, removed when it ends. */
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const engine = await dockerEngineAnswers(process.env);
if (!engine) {
  process.stdout.write(
    "[testcontainers] integration test skipped: no Docker engine answers " +
      "(DOCKER_HOST and the usual sockets were asked for /_ping); the configuration is unit tested\n",
  );
}

describe.skipIf(!engine)("testcontainers provider on a Docker engine", () => {
  it("starts the servers, the service pools and nginx with the same endpoints shape", async () => {
    const provider = new TestcontainersProvider(tempDir("syncbench-tc-"));
    try {
      await provider.up();
      const endpoints = await provider.endpointsWithSecrets();
      expect((await checkPostgres(endpoints.postgresUrl)).healthy).toBe(true);
      expect((await checkS3(endpoints.s3, "localstack")).healthy).toBe(true);
      expect((await checkKafka(endpoints.kafkaBrokers)).healthy).toBe(true);
      expect((await checkRedis(endpoints.redisUrl)).healthy).toBe(true);
      expect((await fetch(`${endpoints.gatewayUrl}/healthz`)).status).toBe(200);
      const status = await provider.status();
      for (const name of [
        "chunk-service-1",
        "download-service-1",
        "notification-service-1",
        "gc-worker",
      ])
        expect(status.services.find((s) => s.name === name)?.healthy).toBe(true);
      // Through the gateway to an upload pool member: a request without a token is refused by a
      // ChunkService (401 with its JSON code), not by nginx for want of an upstream (502).
      const upload = await fetch(`${endpoints.gatewayUrl}/v1/files/upload-init`, {
        method: "POST",
      });
      expect(upload.status).toBe(401);
    } finally {
      await provider.down();
    }
  }, 600_000);
});
