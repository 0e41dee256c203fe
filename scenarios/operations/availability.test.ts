// The availability probe's rules on a local server that answers as a stack would: a service's own
// JSON error means the route exists; a gateway page, NOT_FOUND, or a service error naming a flow
// the driver does not drive (the DownloadService's signed block URLs) means "not available".
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { probeRoute } from "./availability.ts";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function answering(status: number, body: string): Promise<string> {
  server = createServer((request, response) => {
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

  it("calls signed-URL-only block reads not available, saying which flow the driver lacks", async () => {
    const url = await answering(403, serviceError("BLOCK_URL_INVALID"));
    const availability = await probeRoute(url, "blockGet");
    expect(availability).toMatchObject({ available: false });
    expect(availability.available ? "" : availability.reason).toMatch(
      /403 BLOCK_URL_INVALID: .*signed URLs from GET \/v1\/files\/content/,
    );
  });
});
