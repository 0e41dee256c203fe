// The provider-neutral stack access on a fake provider: a token verifies with the stack's secret
// and is refused where no ChunkService would check it; a missing stack reads as "not up" while
// other failures still surface; a provider without log files gives no tail.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SyncbenchError } from "../core/errors.ts";
import { verifyJwt } from "../runtime/jwt.ts";
import type { StackProvider, StackSecrets, StackStatus } from "./provider.ts";
import { logTail, stackToken, statusIfUp } from "./stack-access.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-stack-access-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeProvider(over: {
  secrets?: StackSecrets;
  status?: () => Promise<StackStatus>;
  logFile?: string;
}): StackProvider {
  return {
    name: over.secrets ? "native" : "testcontainers",
    up: async () => {
      throw new Error("not used");
    },
    down: async () => ({ stopped: [] }),
    status:
      over.status ??
      (async () => {
        throw new Error("not used");
      }),
    endpointsWithSecrets: async () => {
      throw new Error("not used");
    },
    logFile: () => over.logFile,
    secrets: () => over.secrets,
  };
}

describe("stack access through the provider interface", () => {
  it("signs a token with the stack's secret, expiring after the ttl", () => {
    const secrets = { jwtSecret: "s".repeat(64), possessionKey: "p".repeat(64) };
    const issued = stackToken(fakeProvider({ secrets }), {
      user: "alice",
      ttlS: 60,
      nowMs: 1_000_000,
    });
    expect(issued).toMatchObject({ user: "alice", expiresAt: new Date(1_060_000).toISOString() });
    expect(verifyJwt(issued.token, secrets.jwtSecret, 1_000_000)).toMatchObject({
      sub: "alice",
      exp: 1060,
    });
  });

  it("issues no token for a stack whose provider keeps no secrets", () => {
    expect(() => stackToken(fakeProvider({}), { user: "alice", ttlS: 60, nowMs: 0 })).toThrow(
      expect.objectContaining({ code: "ENV_TOKEN_UNAVAILABLE" }),
    );
  });

  it("reads a stack recorded as not started as not up, and rethrows anything else", async () => {
    const none = fakeProvider({
      status: async () => {
        throw new SyncbenchError("STACK_UNHEALTHY", "none");
      },
    });
    expect(await statusIfUp(none)).toBeUndefined();
    const broken = fakeProvider({
      status: async () => {
        throw new SyncbenchError("ENV_DOCKER_GONE", "x");
      },
    });
    await expect(statusIfUp(broken)).rejects.toMatchObject({ code: "ENV_DOCKER_GONE" });
  });

  it("tails a log file, and gives nothing where the provider keeps none", () => {
    const file = join(dir, "redis.log");
    writeFileSync(file, "one\ntwo\n\nthree\n");
    expect(logTail(fakeProvider({ logFile: file }), "redis", 2)).toEqual({
      file,
      lines: ["two", "three"],
    });
    expect(logTail(fakeProvider({}), "redis", 2)).toBeUndefined();
  });
});
