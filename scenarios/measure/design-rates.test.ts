// The two rates of results.json on fixed counts: the design's count (C14) adds one notification
// per committed upload to the HTTP operations, and the gateway sees three requests per upload.
import { describe, expect, it } from "vitest";
import type { OperationResult } from "../../formats/results.schema.ts";
import { gatewayRequestsPerOperation, throughputOf } from "./design-rates.ts";

function measured(name: string, ok: number, error: number): OperationResult {
  const zero = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    name,
    status: "measured",
    counts: { scheduled: ok + error, sent: ok + error, ok, error, dropped: 0 },
    errorsByCode: {},
    latencyMs: zero,
    serviceTimeMs: zero,
    histograms: { latencyUs: "", serviceTimeUs: "" },
  };
}

describe("design rates", () => {
  it("counts an upload as three gateway requests", () => {
    expect(gatewayRequestsPerOperation()).toMatchObject({ deltaUpload: 3, newFileUpload: 3 });
  });

  it("adds a notification per committed upload to the design's count", () => {
    const ops = [
      measured("deltaUpload", 90, 10),
      measured("download", 300, 0),
      { name: "listFolder", status: "not-available", reason: "no route" } as OperationResult,
    ];
    const t = throughputOf(ops, 10_000)!;
    expect(t.designOperationsByKindPerS).toEqual({
      uploads: 10,
      downloads: 30,
      listings: 0,
      notifications: 9,
    });
    expect(t.designOperationsPerS).toBe(49);
    const perDownload = gatewayRequestsPerOperation().download;
    expect(t.gatewayRequestsPerS).toBe(30 + 30 * perDownload);
    expect(throughputOf(ops, 0)).toBeUndefined();
  });
});
