// The availability probe's rules on a local server that answers as a stack would: a service's own
// JSON error means the route exists; a gateway page or NOT_FOUND means "not available". A
// download's block fetches go to the signed URLs its block list names, so they are not probed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { probeOperations, probeRoute } from "./availability.ts";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function answering(status: number, body: string, paths: string[] = []): Promise<string> {
  server = createServer((request, response) => {
    paths.push(request.url ?? "");
    request.resume();
    response.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const serviceError = (code: string) => JSON.stringify({ error: { code, message: "m" } });

describe("probeRoute", () => {
  it("calls a route available when it answers 2xx or a service's own error", async () => {
    expect(await probeRoute(await answering(200, "{}"), "blockGet")).toEqual({ available: true });
    server!.close();
    const url = await answering(401, serviceError("AUTH_MISSING"));
    expect(await probeRoute(url, "blockGet")).toEqual({ available: true });
  });

  it("calls a gateway page or a service's NOT_FOUND not available", async () => {
    expect(
      await probeRoute(await answering(502, "<html>bad gateway</html>"), "blockGet"),
    ).toMatchObject({ available: false, reason: expect.stringContaining("502") });
    server!.close();
    expect(
      await probeRoute(await answering(404, serviceError("NOT_FOUND")), "blockGet"),
    ).toMatchObject({ available: false });
  });

  it("calls download available on its block list route alone, never asking for a block by hash", async () => {
    const paths: string[] = [];
    const url = await answering(400, serviceError("REQUEST_INVALID"), paths);
    const availability = await probeOperations(url, ["download"]);
    expect(availability.get("download")).toEqual({ available: true });
    expect(paths).toEqual(["/v1/files/content"]);
  });
});
