// The coordinated-omission fixture: a loopback HTTP server (port 0) that stalls for a known
// time at known moments. Every `periodMs`, starting when it listens, it holds each request that
// arrives during the first `stallMs` until that stall ends, like a GC pause, but with timers so
// that the driver in the same process keeps its own clock. Outside a stall it answers at once.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StallPlan {
  readonly periodMs: number;
  readonly stallMs: number;
}

export interface StallServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The true latency quantile q (0..1) for arrivals spread evenly over whole periods: a request
 * arriving `x` ms before a stall ends waits x, so P(latency > x) = (stallMs - x) / periodMs for
 * x < stallMs, and the quantile is stallMs - (1 - q) * periodMs (0 when q <= 1 - stall share).
 */
export function trueQuantileMs(plan: StallPlan, q: number): number {
  return Math.max(0, plan.stallMs - (1 - q) * plan.periodMs);
}

export async function startStallServer(plan: StallPlan): Promise<StallServer> {
  let t0 = 0;
  const server: Server = createServer((request, response) => {
    const phaseMs = (performance.now() - t0) % plan.periodMs;
    const answer = () => {
      response.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
      response.end("ok");
    };
    request.resume();
    request.on("end", () => {
      if (phaseMs < plan.stallMs) setTimeout(answer, plan.stallMs - phaseMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t0 = performance.now();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
