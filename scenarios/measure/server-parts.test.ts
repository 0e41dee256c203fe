// Server parts over a window: two processes serving real PartTimings over HTTP; what was recorded
// before the first snapshot is not counted, the two processes' windows are summed, and a process
// that restarted or does not answer is left out with its reason.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { PartTimings, partTimingsKind } from "../../reference-impl/runtime/part-timings.ts";
import { serverPartsBetween, snapshotServerParts, type SnapshotOrError } from "./server-parts.ts";

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function serve(get: () => PartTimings): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url !== "/internal/timings") return void res.writeHead(404).end();
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(get().snapshot()));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("serverPartsBetween", () => {
  it("subtracts each process's start snapshot and sums the processes' windows", async () => {
    const a = new PartTimings("chunk-a"),
      b = new PartTimings("chunk-b");
    const urls = [await serve(() => a), await serve(() => b)];
    for (let i = 0; i < 100; i++) a.record("s3.read", 500); // before the window: not counted
    const before = await snapshotServerParts(urls);
    for (let i = 0; i < 30; i++) a.record("s3.read", 10);
    for (let i = 0; i < 10; i++) b.record("s3.read", 20);
    b.record("metadataDb.commit", 3);
    const result = serverPartsBetween(before, await snapshotServerParts(urls));
    expect(result.excluded).toEqual([]);
    expect(result.sources.map((s) => s.source)).toEqual(["chunk-a", "chunk-b"]);
    expect(Object.keys(result.parts)).toEqual(["metadataDb.commit", "s3.read"]);
    const read = result.parts["s3.read"]!.ms;
    expect(read.count).toBe(40);
    expect(read.p50).toBeCloseTo(10, 1);
    expect(read.max).toBeCloseTo(20, 1); // the 500 ms samples were before the window
    expect(result.parts["metadataDb.commit"]!.ms.count).toBe(1);
  });

  it("leaves out a process that restarted within the window and one that does not answer, saying why", async () => {
    let current = new PartTimings("chunk-c");
    const url = await serve(() => current);
    current.record("s3.read", 5);
    current.record("s3.read", 5);
    const dead = "http://127.0.0.1:9"; // discard port: nothing listens
    const before = await snapshotServerParts([url, dead]);
    current = new PartTimings("chunk-c"); // restarted: counts start again
    current.record("s3.read", 7);
    const result = serverPartsBetween(before, await snapshotServerParts([url, dead]));
    expect(result.sources).toEqual([]);
    expect(result.parts).toEqual({});
    expect(result.excluded).toHaveLength(2);
    expect(result.excluded[0]).toMatch(/counts went down \(s3\.read\).*restarted/);
    expect(result.excluded[1]).toMatch(/127\.0\.0\.1:9\/internal\/timings/);
  });

  it("sums the processes' CPU over the window, and says null when one did not report it", () => {
    const snap = (url: string, source: string, cpuUs?: number): SnapshotOrError => ({
      url,
      ok: true,
      snapshot: {
        kind: partTimingsKind,
        schemaVersion: 1,
        source,
        parts: {},
        ...(cpuUs === undefined ? {} : { cpuUs }),
      },
    });
    const before = [snap("a", "chunk-a", 1_000_000), snap("b", "chunk-b", 0)];
    const after = [snap("a", "chunk-a", 1_500_000), snap("b", "chunk-b", 250_000)];
    expect(serverPartsBetween(before, after).cpuSeconds).toBeCloseTo(0.75, 9);
    const older = [snap("a", "chunk-a", 1_500_000), snap("b", "chunk-b")]; // b predates cpuUs
    expect(serverPartsBetween(before, older).cpuSeconds).toBeNull();
    expect(serverPartsBetween([], []).cpuSeconds).toBeNull();
  });
});
