// The open-model driver's deferred plans (a client's second save of a file waiting for the first):
// the operation counts as sent when it fell due (the generator's send lag ends there), its latency runs
// from its intended time through the wait, and its service time only from when it started. Checked
// by bookkeeping, not by speed: per operation, latency - service time = send lag + the wait the
// test itself timed, so the means of the driver's histograms must balance whatever the machine's
// load; a driver that timed service from the intended time, or latency from the start, cannot.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { percentilesMs } from "../../formats/hdr-histogram.ts";
import { defaultDriverLimits, runOpenModel } from "./http-open-model.ts";
import type { OperationPlan, Step } from "../operations/routes.ts";

const waitMs = 60;
let server: Server;
let baseUrl = "";
beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("runOpenModel with deferred plans", () => {
  it("times a deferred operation from its intended send, through the wait, and its service from the start", async () => {
    const step: Step = { route: "blockGet", method: "GET", path: "/", headers: {} };
    let started = 0;
    let waitedMsSum = 0;
    const nextPlan = (): OperationPlan => {
      const plan: { -readonly [K in keyof OperationPlan]: OperationPlan[K] } = {
        operation: "deferred",
        steps: [],
      };
      plan.deferUntil = (start) => {
        const deferredAt = performance.now();
        setTimeout(() => {
          plan.steps = [step];
          started++;
          waitedMsSum += performance.now() - deferredAt;
          start();
        }, waitMs);
      };
      return plan;
    };
    const outcome = await runOpenModel({
      baseUrl,
      poisson: false,
      seed: 1,
      warmupMs: 0,
      operations: ["deferred"],
      nextPlan,
      arrival: { kind: "constant-arrival-rate", ratePerS: 50, durationS: 2, spacing: "uniform" },
      limits: defaultDriverLimits,
    });
    const op = outcome.stats.op("deferred");
    expect(op.scheduledCount).toBeGreaterThanOrEqual(100);
    expect(started).toBe(op.scheduledCount); // every deferred plan started, none left unfinished
    expect(op.okCount).toBe(started);
    expect(op.errorCount).toBe(0);
    const latency = percentilesMs(op.latency),
      service = percentilesMs(op.serviceTime);
    const lag = percentilesMs(outcome.stats.sendLag);
    // Each operation waited at least waitMs after it fell due, so its latency is at least that
    // (a lower bound: a slow machine only adds to it).
    expect(latency.p50).toBeGreaterThanOrEqual(waitMs);
    expect(latency.p50 - service.p50).toBeGreaterThanOrEqual(waitMs - 1);
    // The balance, in means: 3-digit histograms (0.1 %) and the microseconds between the test's
    // stamps and the driver's make the tolerance.
    const waitedMsMean = waitedMsSum / started;
    const imbalanceMs = latency.mean - service.mean - (lag.mean + waitedMsMean);
    expect(Math.abs(imbalanceMs)).toBeLessThan(0.5 + 0.005 * latency.mean);
  });
});
