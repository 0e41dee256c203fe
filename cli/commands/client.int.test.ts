// The sync client end to end on the real stack: devices of one user keep identical folders. Each
// listening device runs a pass on every notification, as `syncbench client sync` does, and the test
// waits (on those passes) until the folders match byte for byte: a create; a 100-byte edit of a
// 10 MiB file (sent as a delta within 2x of its size; the other device reuses the unchanged blocks);
// a rename (no block bytes either way); a delete; concurrent edits (a conflicted copy, then both
// folders hold both); a device away through 50 changes catches up from its cursor; a device on the
// long-poll converges too; and a second user sees nothing of the first.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Transport } from "../../reference-impl/client/notification-listener.ts";
import { SyncClient, type PassReport } from "../../reference-impl/client/sync-client.ts";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { blockSizeBytes } from "../../reference-impl/core/limits.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";

const secret = stackJwtSecret();
const { gatewayUrl } = stackEndpoints();
const folders: string[] = [];
const stops: AbortController[] = [];
afterAll(() => {
  for (const s of stops) s.abort();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** path -> SHA-256 of every file of the folder, without the client's own state. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory() && e.name !== ".syncbench-client") walk(full);
      else if (e.isFile())
        out[relative(dir, full)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** A device: its folder and client; listen() runs a pass per notification, as the CLI does. */
function device(user: string, deviceId: string) {
  const dir = mkdtempSync(join(tmpdir(), `sync-${deviceId}-`));
  folders.push(dir);
  const token = () =>
    signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, secret ?? "");
  const client = new SyncClient({
    dir,
    gatewayUrl,
    token,
    deviceId,
    random: Math.random,
    log: () => undefined,
  });
  const reports: PassReport[] = [];
  const waiters: (() => void)[] = [];
  let running: Promise<unknown> = Promise.resolve();
  let stop: AbortController | undefined;
  const pass = async (full = false) => {
    const report = await client.pass({ full });
    reports.push(report);
    for (const w of waiters.splice(0)) w();
    return report;
  };
  return {
    dir,
    client,
    reports,
    pass,
    listen(transport: Transport = "websocket") {
      stop = new AbortController();
      stops.push(stop);
      void client.listen(
        stop.signal,
        () => {
          running = running.then(() => pass());
        },
        transport,
      );
    },
    /** Stops listening and waits for the pass under way, so tests may run passes themselves. */
    async goOffline() {
      stop?.abort();
      await running;
    },
    /**
     * Waits, pass by pass, until this folder equals `other`; the bound only turns a hang into a
     * message that says what differs.
     */
    async convergesWith(other: string): Promise<void> {
      const giveUp = Date.now() + 90_000;
      while (JSON.stringify(tree(dir)) !== JSON.stringify(tree(other))) {
        if (Date.now() > giveUp) {
          expect({ device: deviceId, here: tree(dir) }).toEqual({
            device: deviceId,
            here: tree(other),
          });
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 2_000); // a pass may have ended before this wait began
        });
      }
    },
  };
}

const sum = (reports: readonly PassReport[], key: keyof PassReport) =>
  reports.reduce((total, r) => total + r[key], 0);

describe.skipIf(!secret)("syncbench client sync on the real stack", { timeout: 300_000 }, () => {
  const [user, stranger] = [
    `client-${randomUUID().slice(0, 8)}`,
    `client-${randomUUID().slice(0, 8)}`,
  ];
  const a = device(user, "laptop");
  const b = device(user, "phone");
  const c = device(user, "tablet");
  const other = device(stranger, "desk");

  it("create, a 100-byte edit of 10 MiB, rename and delete reach the other devices", async () => {
    await Promise.all([b.pass(), c.pass(), other.pass()]); // first passes: list, take the cursor
    b.listen("websocket");
    c.listen("longpoll");
    other.listen("websocket");
    const original = randomBytes(10 * 1024 * 1024);
    writeFileSync(join(a.dir, "big.bin"), original);
    writeFileSync(join(a.dir, "notes.txt"), `notes ${randomUUID()}\n`);
    expect(await a.pass()).toMatchObject({ filesUp: 2, conflicts: 0 });
    await Promise.all([b.convergesWith(a.dir), c.convergesWith(a.dir)]);

    const edited = Buffer.from(original);
    randomBytes(100).copy(edited, 5_000_000);
    writeFileSync(join(a.dir, "big.bin"), edited);
    const blockIndex = Math.floor(5_000_000 / blockSizeBytes);
    const deltaBytes = encodeDelta(
      original.subarray((blockIndex - 1) * blockSizeBytes, (blockIndex + 2) * blockSizeBytes),
      edited.subarray(blockIndex * blockSizeBytes, (blockIndex + 1) * blockSizeBytes),
    ).length;
    const before = b.reports.length;
    const edit = await a.pass();
    expect(edit).toMatchObject({ filesUp: 1, blocksAsDelta: 1, blocksDeduplicated: 2 });
    expect(edit.bytesSent).toBeLessThanOrEqual(2 * deltaBytes);
    await b.convergesWith(a.dir);
    // Down: the changed block only; the two unchanged ones come from the phone's block cache.
    expect(sum(b.reports.slice(before), "bytesReceived")).toBe(blockSizeBytes);
    expect(sum(b.reports.slice(before), "blocksReused")).toBe(2);

    const beforeRename = b.reports.length;
    renameSync(join(a.dir, "notes.txt"), join(a.dir, "renamed.txt"));
    expect(await a.pass()).toMatchObject({ filesUp: 1, filesDeleted: 1, bytesSent: 0 });
    await b.convergesWith(a.dir);
    expect(sum(b.reports.slice(beforeRename), "bytesReceived")).toBe(0);

    rmSync(join(a.dir, "renamed.txt"));
    expect(await a.pass()).toMatchObject({ filesDeleted: 1 });
    await Promise.all([b.convergesWith(a.dir), c.convergesWith(a.dir)]);
    expect(tree(b.dir)).toEqual({ "big.bin": tree(a.dir)["big.bin"] });
  });

  it("concurrent edits of one path leave both versions on both devices", async () => {
    await b.goOffline();
    writeFileSync(join(a.dir, "shared.txt"), `from the laptop ${user}\n`);
    writeFileSync(join(b.dir, "shared.txt"), `from the phone ${user}\n`);
    await a.pass();
    expect(await b.pass()).toMatchObject({ conflicts: 1 });
    await b.pass(); // brings the laptop's shared.txt down
    await a.pass(true);
    expect(tree(a.dir)).toEqual(tree(b.dir));
    expect(readFileSync(join(a.dir, "shared (conflicted copy from phone).txt"), "utf8")).toBe(
      `from the phone ${user}\n`,
    );
    expect(readFileSync(join(b.dir, "shared.txt"), "utf8")).toBe(`from the laptop ${user}\n`);
  });

  it("a device away through 50 changes catches up from its cursor when it comes back", async () => {
    // b is offline since the previous test; it resumes from the cursor it last handled.
    const cursor = b.client.state.cursor;
    for (let i = 0; i < 50; i++) {
      const name = `away-${i % 10}.txt`;
      if (i % 10 === 7) rmSync(join(a.dir, `away-${(i % 10) - 1}.txt`), { force: true });
      else if (i % 10 === 8 && i > 10) renameSync(join(a.dir, "away-5.txt"), join(a.dir, name));
      else writeFileSync(join(a.dir, name), `change ${i} ${randomBytes(8).toString("hex")}\n`);
      await a.pass();
    }
    expect(b.client.state.cursor).toBe(cursor);
    b.listen("websocket");
    await b.convergesWith(a.dir);
    await c.convergesWith(a.dir);
    expect(Object.keys(tree(b.dir)).length).toBeGreaterThan(5);
  });

  it("the second user sees nothing of the first", async () => {
    const fence = device(stranger, "phone2");
    await fence.pass();
    writeFileSync(join(fence.dir, "fence.txt"), "fence\n");
    await fence.pass();
    await other.convergesWith(fence.dir);
    expect(Object.keys(tree(other.dir))).toEqual(["fence.txt"]);
    expect(other.client.state.pendingDownloads).toEqual({});
  });
});
