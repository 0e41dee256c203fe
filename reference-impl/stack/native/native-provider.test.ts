// Checks the native provider's start/stop logic with stand-in services that are real processes
// (`sleep`, a shell that exits) under a real supervisord: up is idempotent, a server that dies
// during start makes up fail with STACK_UNHEALTHY naming it and its log lines, and what that up
// had started is stopped again; a server killed later is restarted and counted; a stack folder
// from the older, unsupervised code is taken over; down stops the supervisor too.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultNativeConfig, servicePaths, type NativeConfig } from "./native-config.ts";
import type { NativeService } from "./native-service.ts";
import {
  effectivePoolCounts,
  NativeProvider,
  startStarvedFactor,
  startVerdict,
} from "./native-provider.ts";
import { isRecordAlive, readPidRecord, spawnServer } from "./process-control.ts";
import { supervisorPaths } from "./supervisor-config.ts";

let roots: string[] = [];
afterEach(() => {
  roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
  roots = [];
});

function tempConfig(): NativeConfig {
  const root = mkdtempSync(join(tmpdir(), "syncbench-provider-"));
  roots.push(root);
  return { ...defaultNativeConfig(root), rootDir: root, cacheDir: join(root, "cache") };
}

/** A stand-in server: healthy while its process lives, unless `answers` is false (never serves). */
function fakeService(
  config: NativeConfig,
  name: "postgres" | "redis",
  script: string,
  answers = true,
): NativeService {
  const paths = () => servicePaths(config, name);
  return {
    name,
    endpoint: `fake:${name}`,
    stopSignal: "SIGTERM",
    stopGraceMs: 2000,
    startTimeoutMs: 3000,
    install: async () => undefined,
    prepare: async () => ({ command: "/bin/sh", args: ["-c", script] }),
    check: async () => ({
      healthy: answers && isRecordAlive(readPidRecord(paths().pidFile)),
      implementation: "fake",
    }),
  };
}

describe("NativeProvider", () => {
  it("starts each service once; a second up finds them running", async () => {
    const config = tempConfig();
    const provider = new NativeProvider(config, [fakeService(config, "postgres", "exec sleep 30")]);
    const first = await provider.up();
    const pid = first.services[0]?.pid;
    expect(first.services[0]).toMatchObject({ name: "postgres", healthy: true });
    expect((await provider.up()).services[0]?.pid).toBe(pid);
    const supervisor = readPidRecord(supervisorPaths(config.rootDir).pidFile);
    expect(isRecordAlive(supervisor)).toBe(true);
    expect(await provider.down()).toEqual({ stopped: ["postgres", "supervisor"] });
    expect(isRecordAlive(supervisor)).toBe(false); // down stops the supervisor, by its PID
    expect((await provider.status()).services[0]).toMatchObject({
      healthy: false,
      detail: "not running",
    });
  });

  it("fails with the dead server's name and log lines, and stops what it started", async () => {
    const config = tempConfig();
    const good = fakeService(config, "postgres", "exec sleep 30");
    const bad = fakeService(config, "redis", "echo 'FATAL: port already in use'; exit 1", false);
    const provider = new NativeProvider(config, [good, bad]);
    const failure = await provider.up().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "STACK_UNHEALTHY" });
    const message = (failure as Error).message;
    expect(message).toContain("redis exited during start");
    expect(message).toContain(servicePaths(config, "redis").logFile);
    expect(message).toContain("FATAL: port already in use");
    expect(readFileSync(servicePaths(config, "redis").logFile, "utf8")).toContain("FATAL");
    expect(isRecordAlive(readPidRecord(servicePaths(config, "postgres").pidFile))).toBe(false);
  });

  it("refuses to start a server whose endpoint already answers for someone else", async () => {
    const config = tempConfig();
    const squatted: NativeService = {
      ...fakeService(config, "postgres", "exec sleep 30"),
      check: async () => ({ healthy: true, implementation: "someone else's" }),
    };
    await expect(new NativeProvider(config, [squatted]).up()).rejects.toMatchObject({
      code: "ENV_PORT_TAKEN",
    });
    expect(readPidRecord(servicePaths(config, "postgres").pidFile)).toBeUndefined();
  });

  it("keeps a server it found running when another one fails", async () => {
    const config = tempConfig();
    const good = fakeService(config, "postgres", "exec sleep 30");
    await new NativeProvider(config, [good]).up();
    const record = readPidRecord(servicePaths(config, "postgres").pidFile);
    const bad = fakeService(config, "redis", "exit 3", false);
    await expect(new NativeProvider(config, [good, bad]).up()).rejects.toMatchObject({
      code: "STACK_UNHEALTHY",
    });
    expect(isRecordAlive(record)).toBe(true);
    await new NativeProvider(config, [good]).down();
    expect(isRecordAlive(record)).toBe(false);
  });

  it("restarts a server that dies, and status counts the restart and tells how it died", async () => {
    const config = tempConfig();
    const provider = new NativeProvider(config, [fakeService(config, "postgres", "exec sleep 60")]);
    try {
      const before = (await provider.up()).services[0];
      expect(before).toMatchObject({ restarts: 0 });
      process.kill(before?.pid as number, "SIGKILL");
      let after = (await provider.status()).services[0];
      for (let i = 0; i < 200 && !(after?.healthy && after.pid !== before?.pid); i++) {
        // bounded wait
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = (await provider.status()).services[0];
      }
      expect(after).toMatchObject({ healthy: true, restarts: 1 });
      expect(after?.pid).not.toBe(before?.pid);
      expect(after?.lastExit).toMatch(/terminated by SIGKILL; not expected$/);
    } finally {
      await provider.down();
    }
  });

  it("takes over a server an older, unsupervised syncbench started: stops it by PID, starts it supervised", async () => {
    const config = tempConfig();
    const service = fakeService(config, "postgres", "exec sleep 60");
    const paths = servicePaths(config, "postgres");
    mkdirSync(join(config.rootDir, "run"), { recursive: true });
    mkdirSync(join(config.rootDir, "logs"), { recursive: true });
    const legacy = spawnServer({
      command: "sleep",
      args: ["60"],
      logFile: paths.logFile,
      pidFile: paths.pidFile,
    });
    const provider = new NativeProvider(config, [service]);
    const lines: string[] = [];
    try {
      const status = await provider.up({ onProgress: (line) => lines.push(line) });
      expect(isRecordAlive(legacy)).toBe(false);
      expect(status.services[0]).toMatchObject({ healthy: true });
      expect(status.services[0]?.pid).not.toBe(legacy.pid);
      expect(lines.join("\n")).toContain(`postgres: pid ${legacy.pid} runs without supervision`);
      expect(status.supervisor).toMatchObject({ running: true });
    } finally {
      await provider.down();
    }
  });

  it("keeps each pool's size from the last up unless a size is given, and records all three", async () => {
    const base = tempConfig();
    const kept = { chunkServiceCount: 4, downloadServiceCount: 3, notificationServiceCount: 5 };
    expect(effectivePoolCounts(base, kept)).toEqual(kept);
    expect(effectivePoolCounts(base, undefined)).toEqual({
      chunkServiceCount: 2,
      downloadServiceCount: 2,
      notificationServiceCount: 2,
    });
    const given = { ...base, notificationServiceCount: 1, notificationServiceCountGiven: true };
    expect(effectivePoolCounts(given, kept)).toEqual({ ...kept, notificationServiceCount: 1 });
    const config = { ...base, notificationServiceCount: 3, notificationServiceCountGiven: true };
    const provider = new NativeProvider(config, [fakeService(config, "postgres", "exec sleep 30")]);
    try {
      await provider.up();
      const state = JSON.parse(readFileSync(join(config.rootDir, "run", "stack.json"), "utf8"));
      expect(state).toMatchObject({ notificationServiceCount: 3, chunkServiceCount: 2 });
    } finally {
      await provider.down();
    }
  });
});

describe("startVerdict", () => {
  it("waits within the bound, fails a start that used its CPU, waits longer for a starved one", () => {
    expect(startVerdict(60_000, 59_000, 0)).toBe("wait");
    expect(startVerdict(60_000, 61_000, 31_000)).toMatch(/within 60000 ms, having used 31.0 s/);
    // Starved by other load: 2 s of CPU in 61 s is a busy machine, not a stuck service.
    expect(startVerdict(60_000, 61_000, 2_000)).toBe("wait");
    // Not running (between restarts): no CPU to read, the bound applies as it is.
    expect(startVerdict(60_000, 61_000, Number.POSITIVE_INFINITY)).toBe(
      "did not become healthy within 60000 ms",
    );
    expect(startVerdict(60_000, 60_000 * startStarvedFactor + 1, 2_000)).toMatch(
      /machine is busy with other load/,
    );
  });
});
