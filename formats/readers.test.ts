// Every reader of formats/ on real files and broken ones: the checked-in results and the golden
// calibration and projection files parse; a file of another schemaVersion is refused naming the
// version seen and the one expected; calibration.json is strict (an unknown part name, a
// non-finite, negative or out-of-range parameter, a missing field is an error naming the field).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSyncbenchError } from "../reference-impl/core/errors.ts";
import { parseCalibrationFile } from "./calibration.schema.ts";
import { parseKneeFile } from "./knee.schema.ts";
import { measuredFromFile } from "./measured-from-results.ts";
import { parseMeasuredFile } from "./measured.schema.ts";
import { parseProjectionFile } from "./projection.schema.ts";
import { parseResultsFile } from "./results.schema.ts";

const golden = new URL("./testdata/golden/", import.meta.url);
const measured = new URL("../simulator/calibration/testdata/builtin-2026-11-25/", import.meta.url);
const text = (url: URL) => readFileSync(url, "utf8");
const calibrationText = () => text(new URL("calibration-smoke-200.json", golden));

/** The error a reader throws, as "CODE: message". */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (isSyncbenchError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error("the reader accepted the input");
}

// Loosely typed on purpose: the edits make the file invalid.
type Loose = { [key: string]: Loose } & Loose[];

function withCalibration(edit: (c: Loose) => void): string {
  const value = JSON.parse(calibrationText()) as Loose;
  edit(value);
  return failure(() => parseCalibrationFile(value, "c.json"));
}

describe("readers of formats/", () => {
  it("read the checked-in results, golden calibrations and the golden projection", () => {
    for (const rate of [200, 1000, 1500, 2000, 2500]) {
      const results = parseResultsFile(
        text(new URL(`smoke-${rate}.json`, measured)),
        `smoke-${rate}`,
      );
      expect(results.kind).toBe("syncbench.results");
      const calibration = parseCalibrationFile(
        text(new URL(`calibration-smoke-${rate}.json`, golden)),
      );
      expect(Object.keys(calibration.parts)).toContain("generator.sendLag");
    }
    const projection = parseProjectionFile(
      text(new URL("projection-design-peak-seed7.json", golden)),
    );
    expect(projection.metrics.length).toBeGreaterThan(10);
  });

  it("refuse another schemaVersion, naming the version seen and the one expected", () => {
    const results = JSON.parse(text(new URL("smoke-200.json", measured))) as object;
    expect(failure(() => parseResultsFile({ ...results, schemaVersion: 0 }, "old.json"))).toMatch(
      /^RESULTS_INVALID: .*old\.json has schemaVersion 0; this syncbench reads schemaVersion 1/,
    );
    expect(failure(() => parseKneeFile({ kind: "knee", schemaVersion: 1 }, "k.json"))).toMatch(
      /^KNEE_INVALID: .*schemaVersion 1; this syncbench reads schemaVersion 2/,
    );
    expect(
      failure(() => parseCalibrationFile({ kind: "syncbench.calibration", schemaVersion: 2 })),
    ).toMatch(/^SIM_CALIBRATION_INVALID: .*schemaVersion 2; this syncbench reads schemaVersion 1/);
    expect(failure(() => parseProjectionFile('{"kind":"syncbench.projection"}'))).toMatch(
      /^PROJECTION_INVALID: .*schemaVersion \(missing\); this syncbench reads schemaVersion 1/,
    );
    expect(
      failure(() => parseMeasuredFile({ kind: "syncbench.results", schemaVersion: 1 })),
    ).toMatch(
      /^SIM_MEASURED_INVALID: .*kind "syncbench\.results", expected "syncbench\.measured-ops"/,
    );
  });

  it("refuse values JSON cannot hold, with the file's code", () => {
    const cycle: Record<string, unknown> = { kind: "syncbench.projection", schemaVersion: 1 };
    cycle.notes = cycle;
    expect(failure(() => parseProjectionFile(cycle))).toMatch(/^PROJECTION_INVALID: .*notes: /);
    expect(failure(() => parseCalibrationFile({ kind: 1n }))).toMatch(
      /has kind \(bigint that is not JSON\)/,
    );
  });

  it("refuse what is not JSON, with the file's code", () => {
    expect(failure(() => parseCalibrationFile("{", "c.json"))).toMatch(
      /^SIM_CALIBRATION_INVALID: calibration c\.json is not JSON/,
    );
    expect(failure(() => measuredFromFile("[", "m.json"))).toMatch(/^SIM_MEASURED_INVALID: /);
  });

  it("calibration.json: an unknown part name is an error naming it", () => {
    const message = withCalibration((c) => {
      c.parts["s3.raed"] = c.parts["generator.sendLag"];
    });
    expect(message).toMatch(/^SIM_CALIBRATION_INVALID: .*parts\.s3\.raed: unknown part "s3\.raed"/);
    expect(
      withCalibration((c) => {
        c.parts["upload.clientServiceTime"] = c.parts["generator.sendLag"];
      }),
    ).toMatch(/"upload" is no operation of this file/);
  });

  it("calibration.json: non-finite, negative and out-of-range parameters name the field", () => {
    const lognormal = { kind: "lognormal", mu: -4, sigma: 0.5 };
    const part = (spec: object) => ({
      spec,
      method: "lognormal-percentiles",
      p50ErrorPct: 0,
      p99ErrorPct: 0,
      samples: null,
    });
    expect(
      withCalibration((c) => {
        c.parts["s3.read"] = part({ ...lognormal, sigma: -1 });
      }),
    ).toMatch(/parts\.s3\.read\.spec\.sigma: Too small.*got -1/);
    expect(
      withCalibration((c) => {
        c.parts["s3.read"] = part({ ...lognormal, mu: "NaN" });
      }),
    ).toMatch(/parts\.s3\.read\.spec\.mu: /);
    // JSON has no Infinity: a value parsed in memory can carry it.
    expect(
      withCalibration((c) => {
        c.parts["s3.read"] = part({ kind: "exponential", meanS: Infinity });
      }),
    ).toMatch(/parts\.s3\.read\.spec\.meanS: /);
    expect(
      withCalibration((c) => {
        c.parts["s3.read"] = part({ kind: "hyperexponential", p: 1.5, mean1S: 1, mean2S: 1 });
      }),
    ).toMatch(/parts\.s3\.read\.spec\.p: Too big/);
    expect(
      withCalibration((c) => {
        c.parts["s3.read"] = part({ kind: "empirical", boundsS: [0, 2, 1], counts: [1, 1] });
      }),
    ).toMatch(/parts\.s3\.read\.spec\.boundsS\[2\]: must be increasing, got 1/);
  });

  it("calibration.json: a missing field or an unknown key names it", () => {
    expect(
      withCalibration((c) => {
        delete c.source;
      }),
    ).toMatch(/source: Invalid input: expected object, .*missing/);
    expect(
      withCalibration((c) => {
        delete c.parts["generator.sendLag"].method;
      }),
    ).toMatch(/parts\.generator\.sendLag\.method: /);
    expect(
      withCalibration((c) => {
        c.operations[0].parts[0].servers = 0;
      }),
    ).toMatch(/operations\[0\]\.parts\[0\]\.servers: Too small.*got 0/);
    expect(
      withCalibration((c) => {
        c.extra = 1;
      }),
    ).toMatch(/Unrecognized key: "extra"/);
  });
});
