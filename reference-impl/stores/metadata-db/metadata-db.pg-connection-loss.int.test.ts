// Issue 12: a Postgres crash while Kafka was slow killed every ChunkService. These tests lose the
// database connection on purpose with pg_terminate_backend (FATAL 57P01, as a server shutdown
// sends) on a database of their own, never restarting a server they did not start, and check
// that the outbox relay holds no transaction while it publishes, that nothing crashes, and that a
// request whose connection is lost gets a 503 with Retry-After while the process serves on.
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { SystemClock } from "../../runtime/clock.ts";
import { signJwt } from "../../runtime/jwt.ts";
import { createChunkServer } from "../../services/chunk-service/routes.ts";
import { issueUploadId } from "../../services/chunk-service/upload-id.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { MemoryBlockStore } from "../block-store/block-store.memory.ts";
import { uniqueName } from "../contract/contract-helpers.ts";
import { useTestDatabase } from "../contract/test-database.ts";
import { MemorySyncStream } from "../sync-stream/sync-stream.memory.ts";
import { PgMetadataDb } from "./metadata-db.pg.ts";
import type { OutboxRow } from "./metadata-db.port.ts";
import { withPgClient } from "./pg-client.ts";
import { shardIndexOf, shardSchema } from "./shard-router.ts";

const adminUrl = stackEndpoints().postgresUrl;
const database = useTestDatabase(adminUrl, "connloss");
const databaseName = () => new URL(database.url()).pathname.slice(1);
const opened: PgMetadataDb[] = [];
afterAll(() => Promise.all(opened.map((db) => db.close())));

interface Session {
  pid: number;
  state: string | null;
  wait: string | null;
}

/** The sessions of the test database other than the asking one. */
const sessions = () =>
  withPgClient(
    { connectionString: adminUrl },
    async (c) =>
      (
        await c.query<Session>(
          `SELECT pid, state, wait_event_type AS wait FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [databaseName()],
        )
      ).rows,
  );

const terminate = (pids: readonly number[]) =>
  withPgClient({ connectionString: adminUrl }, (c) =>
    c.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [pids]),
  );

/** A promise and the function that settles it: tests wait on events, not sleeps. */
function signal<T = void>(): { promise: Promise<T>; fire: (value: T) => void } {
  let fire: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => (fire = resolve));
  return { promise, fire };
}

/** Resolves false after ms: the bound on waiting for an event that may never come. */
const bound = (ms: number) =>
  new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());

function openDb(log: (line: string) => void): PgMetadataDb {
  const db = new PgMetadataDb({ url: database.url(), poolMax: 4, log });
  opened.push(db);
  return db;
}

describe("PgMetadataDb when the database connection is lost", () => {
  it("publishes with no transaction open, and a backend killed meanwhile loses no event and crashes nothing", async () => {
    const lost = signal();
    const db = openDb((line) => line.includes("lost") && lost.fire());
    const user = uniqueName("u");
    const shard = shardIndexOf(user);
    await db.commitVersion({
      userId: user,
      path: "/a",
      blockHashes: [],
      sizeBytes: 0,
      baseVersion: 0,
      changeType: "create",
      eventId: randomUUID(),
      nowMs: Date.now(),
    });
    const publishing = signal();
    const kafkaBack = signal();
    const published: OutboxRow[] = [];
    const drain = db.drainOutbox(
      shard,
      100,
      async (rows) => {
        published.push(...rows);
        publishing.fire();
        await kafkaBack.promise; // Kafka down: kafkajs retries for tens of seconds
      },
      Date.now(),
    );
    let during: Session[] = [];
    let reported = false;
    try {
      await publishing.promise;
      during = await sessions();
      // Today's main held FOR UPDATE SKIP LOCKED here; killing that backend crashed the process.
      await terminate(during.map((s) => s.pid));
      // The pool's idle client sees 57P01 and reports it (bounded: on main it never does).
      reported = await Promise.race([lost.promise.then(() => true), bound(20_000)]);
    } finally {
      kafkaBack.fire();
    }
    expect(during.filter((s) => s.state?.startsWith("idle in transaction"))).toEqual([]);
    expect(reported).toBe(true);
    expect(await drain).toBe(1);
    expect(published.map((r) => r.event.userId)).toEqual([user]);
    expect((await db.readOutbox(shard, 1000)).filter((r) => r.event.userId === user)).toEqual([]);
  });

  it("answers 503 with Retry-After for the request whose connection is lost, then serves the next one", async () => {
    const db = openDb(() => undefined);
    const jwtSecret = randomBytes(32).toString("hex");
    const possessionKey = randomBytes(32).toString("hex");
    const server = createChunkServer({
      log: () => undefined,
      onCommitted: () => undefined,
      ports: {
        metadataDb: db,
        blockStore: new MemoryBlockStore(),
        syncStream: new MemorySyncStream(),
        clock: new SystemClock(),
      },
      settings: { jwtSecret, possessionKey, graceMs: 60_000 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const user = uniqueName("u");
    const token = signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, jwtSecret);
    const commit = (path: string) =>
      fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/files/commit`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        // The uploadId upload-init would issue (issued here: upload-init would meet the held lock).
        body: JSON.stringify({
          uploadId: issueUploadId(possessionKey, user, path),
          path,
          size: 0,
          blockHashes: [],
          baseVersion: 0,
        }),
      });
    try {
      await db.migrate();
      // Hold the user's shard table locked, so the commit's query waits inside the database.
      const response = await withPgClient({ connectionString: database.url() }, async (locker) => {
        await locker.query("BEGIN");
        await locker.query(
          `LOCK TABLE ${shardSchema(shardIndexOf(user))}.files IN ACCESS EXCLUSIVE MODE`,
        );
        const lockerPid = (await locker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))
          .rows[0]?.pid;
        let settled = false;
        const pending = commit("/blocked").finally(() => (settled = true));
        let waiting: Session[] = [];
        while (waiting.length === 0 && !settled) {
          // the commit reaches the lock, as the database reports
          waiting = (await sessions()).filter((s) => s.wait === "Lock" && s.pid !== lockerPid);
        }
        await terminate(waiting.map((s) => s.pid));
        const answered = await pending;
        await locker.query("ROLLBACK");
        return answered;
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "METADATA_DB_UNAVAILABLE",
      );
      expect((await commit("/after")).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
