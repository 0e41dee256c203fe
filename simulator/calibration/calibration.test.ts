// Calibration is itself tested: a measured-run file is generated from a known system (two
// stages, lognormal and exponential service, at 60 % utilisation), the fit must recover the
// lognormal's parameters, and replaying the file must reproduce the measured p50/p99 within 30 %.
import { describe, expect, it } from "vitest";
import { Histogram } from "../core/histogram.ts";
import { Rng } from "../../reference-impl/core/random.ts";
import { lognormalFromMean, makeSampler, type VariateSpec } from "../core/variates.ts";
import { simulateNetwork } from "../models/network.ts";
import { fitCalibration, fitPart } from "./fit.ts";
import { validateMeasuredRun, type MeasuredRun } from "../../formats/measured.schema.ts";
import { replayMeasured } from "./replay.ts";

const apply: VariateSpec = lognormalFromMean(0.012, 0.6);
const s3: VariateSpec = { kind: "exponential", meanS: 0.005 };

/** Service-time histogram in the measured format, from n draws of a known distribution. */
function measuredHistogram(spec: VariateSpec, n: number, seed: number) {
  const sample = makeSampler(spec, new Rng(seed)),
    h = new Histogram();
  for (let i = 0; i < n; i++) h.record(sample());
  const rows = h.buckets();
  return {
    boundsMs: [...rows.map((r) => r[0] * 1000), rows[rows.length - 1]![1] * 1000],
    counts: rows.map((r) => r[2]),
  };
}

function generatedRun(): MeasuredRun {
  const rate = 100; // 2 servers × 12 ms / 2 = ρ 0.6
  const truth = simulateNetwork({
    stations: [{ name: "apply", servers: 2, service: apply }],
    classes: [
      {
        name: "deltaUpload",
        ratePerS: rate,
        steps: [{ station: "apply" }, { delay: s3, name: "s3" }],
      },
    ],
    users: { count: 1, zipfSkew: 1 },
    partitionCount: 1,
    durationS: 600,
    warmupS: 30,
    seed: 99,
  }).latency.get("deltaUpload")!;
  return {
    schemaVersion: 1,
    kind: "syncbench.measured-ops",
    scenario: "generated",
    durationS: 600,
    operations: [
      {
        name: "deltaUpload",
        count: truth.count,
        rateAchievedPerS: rate,
        latencyMs: { p50: truth.quantile(0.5) * 1000, p99: truth.quantile(0.99) * 1000 },
        parts: [
          {
            name: "chunkService.deltaApply",
            servers: 2,
            histogram: measuredHistogram(apply, 60_000, 1),
          },
          { name: "s3.read", servers: null, histogram: measuredHistogram(s3, 60_000, 2) },
        ],
      },
    ],
  };
}

describe("calibration", () => {
  it("the generated file is valid and a broken one lists every problem with its path", () => {
    expect(validateMeasuredRun(generatedRun())).toEqual([]);
    const errors = validateMeasuredRun({
      schemaVersion: 2,
      kind: "x",
      scenario: 1,
      durationS: -1,
      operations: [
        {
          name: "a",
          count: 0,
          rateAchievedPerS: 0,
          latencyMs: { p50: 5, p99: 1 },
          parts: [{ name: "p", servers: 0 }],
        },
      ],
    });
    expect(errors.join("\n")).toMatch(/schemaVersion.*got 2/);
    expect(errors.join("\n")).toMatch(
      /operations\[0\]\.latencyMs\.p99: must be ≥ p50 \(5\), got 1/,
    );
    expect(errors.join("\n")).toMatch(/operations\[0\]\.parts\[0\]\.servers/);
    expect(errors.length).toBeGreaterThanOrEqual(7);
  });

  it("fitting a lognormal histogram recovers μ within 1 % of |μ| and σ within 3 %", () => {
    const fitted = fitPart({
      name: "x",
      servers: 1,
      histogram: measuredHistogram(apply, 60_000, 3),
    });
    expect(fitted.method).toBe("lognormal-histogram");
    if (fitted.spec.kind !== "lognormal" || apply.kind !== "lognormal")
      throw new Error("expected lognormal");
    expect(Math.abs(fitted.spec.mu - apply.mu) / Math.abs(apply.mu)).toBeLessThan(0.01);
    expect(Math.abs(fitted.spec.sigma - apply.sigma) / apply.sigma).toBeLessThan(0.03);
  });

  it("server-side parts are validated like operation parts and fitted under their own names", () => {
    const run: MeasuredRun = {
      ...generatedRun(),
      serverParts: [
        { name: "s3.write", servers: null, histogram: measuredHistogram(s3, 20_000, 4) },
        { name: "metadataDb.commit", servers: null, serviceTimeMs: { p50: 3, p99: 12 } },
      ],
    };
    expect(validateMeasuredRun(run)).toEqual([]);
    const parts = fitCalibration(run, "run.json").parts;
    expect(Object.keys(parts).sort()).toEqual([
      "chunkService.deltaApply",
      "metadataDb.commit",
      "s3.read",
      "s3.write",
    ]);
    const commit = parts["metadataDb.commit"]!.spec;
    if (commit.kind !== "lognormal") throw new Error("expected lognormal");
    expect(Math.exp(commit.mu) * 1000).toBeCloseTo(3, 9);
    expect(
      validateMeasuredRun({ ...run, serverParts: [{ name: "", servers: 0 }] }).join("\n"),
    ).toMatch(/serverParts\[0\]\.name.*\n.*serverParts\[0\]\.servers/);
  });

  it("percentiles-only fit passes through p50 and p99", () => {
    const fitted = fitPart({ name: "x", servers: 1, serviceTimeMs: { p50: 10, p99: 40 } });
    if (fitted.spec.kind !== "lognormal") throw new Error("expected lognormal");
    expect(Math.exp(fitted.spec.mu) * 1000).toBeCloseTo(10, 9);
    expect(Math.exp(fitted.spec.mu + 2.3263478740408408 * fitted.spec.sigma) * 1000).toBeCloseTo(
      40,
      9,
    );
  });

  it("replaying the measured rate with the fitted parts lands within 30 % (stretch 20 %) of p50 and p99", () => {
    const run = generatedRun();
    const { rows } = replayMeasured(fitCalibration(run, "generated.json"), {
      seed: 5,
      durationS: 600,
    });
    expect(rows).toHaveLength(1);
    expect(Math.abs(rows[0]!.p50ErrorPct)).toBeLessThan(20);
    expect(Math.abs(rows[0]!.p99ErrorPct)).toBeLessThan(20);
    expect(rows[0]!.within30Pct).toBe(true);
  });
});
