// The sync client end to end on the real stack, two devices of one user and a second user:
// create; a 100-byte edit in a 10 MiB file sends about the delta's size; a rename sends no block
// bytes (deduplicated); concurrent edits leave a conflicted copy; the other device is told of each
// change over the WebSocket, the second user of none. Downloads wait for the DownloadService: the
// other device records them as pending, which this test checks.
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SyncClient } from "../../reference-impl/client/sync-client.ts";
import { encodeDelta } from "../../reference-impl/core/delta.ts";
import { blockSizeBytes } from "../../reference-impl/core/limits.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";

const secret = stackJwtSecret();
const { gatewayUrl } = stackEndpoints();
const stop = new AbortController();
afterAll(() => stop.abort());

function device(user: string, deviceId: string) {
  const dir = mkdtempSync(join(tmpdir(), `sync-${deviceId}-`));
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
  const changes: (() => void)[] = [];
  const listening = client.listen(stop.signal, () => {
    for (const c of changes.splice(0)) c();
  });
  /** Waits for the notification; the bound only turns a hang into a message that says what was seen. */
  const pendingHas = async (path: string, version: number) => {
    const giveUp = Date.now() + 60_000;
    while (client.state.pendingDownloads[path] !== version) {
      if (Date.now() > giveUp)
        throw new Error(
          `${deviceId}: no notification of ${path} v${version}; pending ${JSON.stringify(client.state.pendingDownloads)}`,
        );
      await new Promise<void>((resolve) => {
        changes.push(resolve);
        setTimeout(resolve, 5_000);
      });
    }
  };
  return { dir, client, listening, pendingHas };
}

describe.skipIf(!secret)("syncbench client sync on the real stack", { timeout: 180_000 }, () => {
  const [user, stranger] = [
    `client-${randomUUID().slice(0, 8)}`,
    `client-${randomUUID().slice(0, 8)}`,
  ];
  const a = device(user, "laptop");
  const b = device(user, "phone");
  const other = device(stranger, "tablet");

  it("create, a 100-byte edit of a 10 MiB file as a delta, rename, and a conflicted copy", async () => {
    const original = randomBytes(10 * 1024 * 1024);
    writeFileSync(join(a.dir, "big.bin"), original);
    const notes = `notes ${randomUUID()}\n`;
    writeFileSync(join(a.dir, "notes.txt"), notes);
    expect(await a.client.pass()).toMatchObject({
      filesUp: 2,
      bytesSent: original.length + notes.length,
      conflicts: 0,
    });
    // The user's first commit may precede B's socket; the edit is what B must hear of.
    const edited = Buffer.from(original);
    randomBytes(100).copy(edited, 5_000_000);
    writeFileSync(join(a.dir, "big.bin"), edited);
    const blockIndex = Math.floor(5_000_000 / blockSizeBytes);
    const block = (bytes: Buffer) =>
      bytes.subarray(blockIndex * blockSizeBytes, (blockIndex + 1) * blockSizeBytes);
    const deltaBytes = encodeDelta(
      Buffer.concat([
        original.subarray((blockIndex - 1) * blockSizeBytes, (blockIndex + 2) * blockSizeBytes),
      ]),
      block(edited),
    ).length;
    const edit = await a.client.pass();
    expect(edit).toMatchObject({ filesUp: 1, blocksAsDelta: 1, blocksDeduplicated: 2 });
    expect(edit.bytesSent).toBeLessThanOrEqual(2 * deltaBytes);
    await b.pendingHas("/big.bin", 2);

    renameSync(join(a.dir, "notes.txt"), join(a.dir, "renamed.txt"));
    expect(await a.client.pass()).toMatchObject({
      filesUp: 1,
      filesDeleted: 1,
      bytesSent: 0,
      blocksDeduplicated: 1,
    });
    await b.pendingHas("/renamed.txt", 1);

    // Concurrent edits of one path: A commits first, B's commit names base 0 and is refused.
    writeFileSync(join(a.dir, "shared.txt"), `from the laptop ${user}\n`);
    writeFileSync(join(b.dir, "shared.txt"), `from the phone ${user}\n`);
    await a.client.pass();
    expect(await b.client.pass()).toMatchObject({ conflicts: 1, filesUp: 1 });
    const copy = join(b.dir, "shared (conflicted copy from phone).txt");
    expect(readFileSync(copy, "utf8")).toBe(`from the phone ${user}\n`);
    expect(existsSync(join(b.dir, "shared.txt"))).toBe(false);
    await b.pendingHas("/shared.txt", 1);
  });

  it("the second user hears of none of it", async () => {
    const fence = device(stranger, "desktop");
    writeFileSync(join(fence.dir, "fence.txt"), "fence\n");
    await fence.client.pass();
    await other.pendingHas("/fence.txt", 1);
    expect(Object.keys(other.client.state.pendingDownloads)).toEqual(["/fence.txt"]);
  });
});
