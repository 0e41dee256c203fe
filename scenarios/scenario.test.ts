// Checks that every library scenario validates and that each file in testdata/invalid/ is
// rejected with the sub-code its name starts with, all problems listed at once.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scenarioLibrary, loadScenario } from "./library/index.ts";
import {
  ScenarioInvalidError,
  validateScenario,
  validateScenarioJson,
} from "./scenario-validate.ts";
import { arrivalDurationS } from "./scenario.ts";

const invalidDir = fileURLToPath(new URL("./testdata/invalid/", import.meta.url));

function rejection(run: () => unknown): ScenarioInvalidError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioInvalidError) return error;
    throw error;
  }
  throw new Error("expected a ScenarioInvalidError");
}

describe("scenario library", () => {
  for (const name of scenarioLibrary.keys()) {
    it(`${name} validates`, () => {
      const scenario = loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(arrivalDurationS(scenario.arrival)).toBeGreaterThan(scenario.warmupS);
      for (const target of Object.values(scenario.targets))
        expect(target.claims.length).toBeGreaterThan(0);
    });
  }
});

describe("testdata/invalid", () => {
  const files = readdirSync(invalidDir).filter((f) => f.endsWith(".json"));
  it("has one file per rejection code at least", () =>
    expect(files.length).toBeGreaterThanOrEqual(9));
  for (const file of files) {
    it(`${file} is rejected with ${file.split(".")[0]}`, () => {
      const text = readFileSync(`${invalidDir}${file}`, "utf8");
      const error = rejection(() => validateScenarioJson(text, file));
      expect(error.code).toBe("SCENARIO_INVALID");
      expect(error.issues.map((i) => i.code)).toContain(file.split(".")[0]);
    });
  }
});

describe("validateScenario messages", () => {
  it("lists every problem at once with path, value and limit, and suggests a key", () => {
    const error = rejection(() =>
      validateScenario({
        name: "mixed-peak",
        description: "x",
        seed: 1,
        users: { count: 1, zipfSkew: 0 },
        arrival: { kind: "constant-arrival-rate", ratePerS: 0, durationS: 10, spacing: "uniform" },
        mix: { listFolder: 1 },
        arivalRate: 3,
      }),
    );
    expect(error.message).toContain("arrival.ratePerS must be > 0, got 0");
    expect(error.message).toContain('unknown key "arivalRate" (did you mean "arrival"?)');
    expect(error.issues).toHaveLength(2);
  });
  it("suggests keys inside a discriminated union", () => {
    const error = rejection(() =>
      validateScenario({
        name: "x",
        description: "x",
        seed: 1,
        users: { count: 1, zipfSkew: 0 },
        arrival: {
          kind: "constant-arrival-rate",
          ratePerSecond: 5,
          durationS: 10,
          spacing: "uniform",
        },
        mix: { listFolder: 1 },
      }),
    );
    expect(error.message).toContain(
      'unknown key "ratePerSecond" in arrival (did you mean "ratePerS"?)',
    );
    expect(error.message).toContain("arrival.ratePerS is required");
  });
  it("fills defaults", () => {
    const scenario = validateScenario({
      name: "x",
      description: "x",
      seed: 1,
      users: { count: 1, zipfSkew: 0 },
      arrival: { kind: "constant-arrival-rate", ratePerS: 5, durationS: 10, spacing: "uniform" },
      mix: { listFolder: 1 },
    });
    expect(scenario.mix.download).toBe(0);
    expect(scenario.warmupS).toBe(0);
    expect(scenario.targets).toEqual({});
  });
});
