// The calibration-error table of simulator/README.md, recomputed from the committed results of
// five 25 s runs against the built-in target (testdata/builtin-2026-11-25, `syncbench run smoke
// --target builtin --rate R --duration 25 --warmup 5 --no-websocket`). Deterministic: fixed
// files, fixed seed. Calibrated at one rate, predicted at another:
//   below the knee (200 <-> 1000, 1000 -> 1500 /s): p50 and p99 within 30 % (the issue's
//   target), p50 within 20 % (the stretch);
//   past the knee (2000 /s, flagged saturated by the run): p99 is missed by more than 50 %,
//   because the model is pure delay (servers null) and has no CPU queue. The test pins that
//   limitation so that nobody "fixes" it by tuning.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitCalibration } from "./fit.ts";
import { measuredFromResults } from "../../formats/measured-from-results.ts";
import { replayMeasured, type ReplayRow } from "./replay.ts";

const dir = new URL("./testdata/builtin-2026-11-25/", import.meta.url);

function load(rate: number) {
  const file = `smoke-${rate}.json`;
  const warnings: string[] = [];
  const value = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as unknown;
  return { run: measuredFromResults(value, file, (w) => void warnings.push(w)), warnings };
}

function predict(calibratedAt: number, validatedAt: number): ReplayRow[] {
  const calibration = fitCalibration(load(calibratedAt).run, `smoke-${calibratedAt}.json`);
  const measured = load(validatedAt).run;
  return replayMeasured(
    { ...calibration, operations: measured.operations },
    { seed: 42, durationS: 60 },
  ).rows;
}

describe("calibration error on measured runs (built-in target)", () => {
  it.each([
    [200, 1000],
    [200, 1500],
    [1000, 200],
    [1000, 1500],
  ])("calibrated at %i/s, predicts %i/s within 30 % (p50 within 20 %)", (a, b) => {
    const rows = predict(a, b);
    expect(rows.map((r) => r.operation).sort()).toEqual([
      "deltaUpload",
      "download",
      "listFolder",
      "newFileUpload",
    ]);
    for (const r of rows) {
      expect(Math.abs(r.p50ErrorPct), `${r.operation} p50`).toBeLessThan(20);
      expect(Math.abs(r.p99ErrorPct), `${r.operation} p99`).toBeLessThan(30);
      expect(r.within30Pct).toBe(true);
    }
  });

  it("past the knee the pure-delay model misses p99, and the run says it was saturated", () => {
    expect(load(2000).warnings.join("\n")).toMatch(/saturated by the generator/);
    for (const r of predict(200, 2000)) {
      expect(Math.abs(r.p50ErrorPct), `${r.operation} p50`).toBeLessThan(30);
      expect(r.p99ErrorPct, `${r.operation} p99`).toBeLessThan(-50);
    }
  });
});
