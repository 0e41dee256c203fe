// The autocannon probe against a loopback server for one second: it runs, and its result says
// what it is (closed model, not corrected for coordinated omission, 1 ms resolution).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { runProbe } from "./autocannon-probe.ts";

describe("autocannon probe", () => {
  it("labels itself closed-model and counts requests", async () => {
    const server = createServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runProbe({
        url: `http://127.0.0.1:${port}/`,
        connections: 4,
        durationS: 1,
        method: "GET",
      });
      expect(result.model).toBe("closed");
      expect(result.correctedForCoordinatedOmission).toBe(false);
      expect(result.requestsTotal).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
