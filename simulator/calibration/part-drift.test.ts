// partDrift lines up the calibration's fitted parts with the predicted run's own part times:
// quantiles of each fitted kind are the closed forms, and rows come largest p99 change first.
import { describe, expect, it } from "vitest";
import type { Calibration } from "../../formats/calibration.schema.ts";
import type { MeasuredRun } from "../../formats/measured.schema.ts";
import { partDrift, specQuantileMs } from "./part-drift.ts";

describe("part drift", () => {
  it("quantiles of fitted specs are the closed forms", () => {
    expect(specQuantileMs({ kind: "lognormal", mu: Math.log(0.01), sigma: 0.5 }, 0.5)).toBeCloseTo(
      10,
      9,
    );
    expect(specQuantileMs({ kind: "lognormal", mu: Math.log(0.01), sigma: 0.5 }, 0.99)).toBeCloseTo(
      10 * Math.exp(0.5 * 2.3263478740408408),
      9,
    );
    expect(specQuantileMs({ kind: "exponential", meanS: 0.002 }, 0.99)).toBeCloseTo(
      2 * Math.log(100),
      9,
    );
    expect(specQuantileMs({ kind: "deterministic", valueS: 0.003 }, 0.99)).toBe(3);
    // Half the mass in 0-10 ms and half in 10-20 ms: the median is the shared edge.
    expect(
      specQuantileMs({ kind: "empirical", boundsS: [0, 0.01, 0.02], counts: [5, 5] }, 0.5),
    ).toBeCloseTo(10, 9);
  });

  it("lists parts both runs timed, the largest p99 change in ms first", () => {
    const calibration: Calibration = {
      schemaVersion: 1,
      kind: "syncbench.calibration",
      source: { file: "a.json", scenario: "s" },
      operations: [],
      parts: {
        "s3.write": {
          spec: { kind: "deterministic", valueS: 0.05 },
          method: "empirical-histogram",
          p50ErrorPct: 0,
          p99ErrorPct: 0,
          samples: 10,
        },
        "s3.read": {
          spec: { kind: "deterministic", valueS: 0.02 },
          method: "empirical-histogram",
          p50ErrorPct: 0,
          p99ErrorPct: 0,
          samples: 10,
        },
      },
    };
    const measured: MeasuredRun = {
      schemaVersion: 1,
      kind: "syncbench.measured-ops",
      scenario: "s",
      durationS: 10,
      operations: [],
      serverParts: [
        { name: "s3.read", servers: null, serviceTimeMs: { p50: 20, p99: 26 } }, // +30 %, +6 ms
        { name: "s3.write", servers: null, serviceTimeMs: { p50: 60, p99: 100 } }, // +100 %, +50 ms
        { name: "kafka.publish", servers: null, serviceTimeMs: { p50: 1, p99: 2 } }, // not calibrated
      ],
    };
    const rows = partDrift(calibration, measured);
    expect(rows.map((r) => r.part)).toEqual(["s3.write", "s3.read"]);
    expect(rows[0]!.p99ChangePct).toBeCloseTo(100, 9);
    expect(rows[1]!.p99ChangePct).toBeCloseTo(30, 9);
    expect(partDrift(calibration, { ...measured, serverParts: undefined })).toEqual([]);
  });
});
