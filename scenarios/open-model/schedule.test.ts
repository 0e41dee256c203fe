// The arrival schedule and the seeded randomness behind it: uniform spacing gives exactly
// rate x duration sends at 1/rate intervals, a ramp's count is the area under its rate, Poisson
// is seeded (same seed, same times), and Zipf ranks stay in range with the head most popular.
import { describe, expect, it } from "vitest";
import type { Arrival } from "../scenario.ts";
import { Random, ZipfRanks } from "../operations/random.ts";
import { ArrivalSchedule, expectedArrivals } from "./schedule.ts";

function all(schedule: ArrivalSchedule): number[] {
  const times: number[] = [];
  for (let t = schedule.next(); t !== undefined; t = schedule.next()) times.push(t);
  return times;
}

const constant = (spacing: "uniform" | "poisson") =>
  ({ kind: "constant-arrival-rate", ratePerS: 100, durationS: 10, spacing }) as const;

describe("ArrivalSchedule", () => {
  it("spaces uniform arrivals exactly", () => {
    const times = all(new ArrivalSchedule(constant("uniform"), new Random(1), false));
    expect(times).toHaveLength(1000);
    expect(times[0]).toBeCloseTo(10);
    expect(times[1]! - times[0]!).toBeCloseTo(10);
    expect(times.at(-1)!).toBeLessThanOrEqual(10_000);
  });

  it("ramps linearly: the count is the area under the rate", () => {
    const ramp: Arrival = {
      kind: "ramping-arrival-rate",
      startRatePerS: 0,
      spacing: "uniform",
      stages: [
        { targetRatePerS: 200, durationS: 10 },
        { targetRatePerS: 200, durationS: 5 },
      ],
    };
    const times = all(new ArrivalSchedule(ramp, new Random(1), false));
    expect(times).toHaveLength(2000);
    expect(expectedArrivals(ramp, 0, 15_000)).toBeCloseTo(2000);
    expect(times.filter((t) => t <= 5_000 + 1e-6)).toHaveLength(250);
  });

  it("draws Poisson arrivals from the seed", () => {
    const a = all(new ArrivalSchedule(constant("poisson"), new Random(9, "arrivals"), true));
    const b = all(new ArrivalSchedule(constant("poisson"), new Random(9, "arrivals"), true));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(900);
    expect(a.length).toBeLessThan(1100);
  });
});

describe("ZipfRanks", () => {
  it("stays in range and favours the head", () => {
    const zipf = new ZipfRanks(1000, 1);
    const random = new Random(3);
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 20_000; i++) counts[zipf.draw(random)]!++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(counts[0]!).toBeGreaterThan(counts[10]!);
    expect(counts[10]!).toBeGreaterThan(counts[500]!);
  });
});
