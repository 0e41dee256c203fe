// The files between the stages (formats/: results, knee, measured, calibration, projection),
// fuzzed through their readers: text derived from each zod schema, and mutants of a real file of
// that format (a measured run's results, the golden calibration and projection, the gate's targets
// and a baseline made from that run), whole, cut short or with a byte changed. Each case is read, or refused with the format's own error code.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { calibrationSchema, parseCalibrationFile } from "../../formats/calibration.schema.ts";
import { kneeSchema, parseKneeFile } from "../../formats/knee.schema.ts";
import { measuredFromResults } from "../../formats/measured-from-results.ts";
import { measuredRunSchema, parseMeasuredFile } from "../../formats/measured.schema.ts";
import { parseProjectionFile, projectionSchema } from "../../formats/projection.schema.ts";
import { parseResultsFile, resultsSchema, type Results } from "../../formats/results.schema.ts";
import { baselineSchema, parseBaselineFile } from "../../formats/baseline.schema.ts";
import { parseTargetsFile, targetsSchema } from "../../formats/targets.schema.ts";
import { baselineFromResults } from "../../reports/gate/baseline.ts";
import { latencyTarget } from "../../reference-impl/core/design-figures.ts";
import { check, parserOutcome, type Boundary, type FuzzRun } from "../boundary.ts";
import { fuzzTexts, jsonSchemaOf } from "../schema-arbitrary.ts";

const testdata = (path: string) =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), "utf8"),
  ) as unknown;

function formatBoundary(
  name: string,
  schema: Parameters<typeof jsonSchemaOf>[0],
  examples: readonly unknown[],
  read: (text: string) => unknown,
  code: string,
): Boundary {
  const texts = fc.oneof(
    fuzzTexts(jsonSchemaOf(schema)),
    ...examples.map((e) => fuzzTexts({ const: e })),
  );
  return {
    name,
    where: "parser",
    run: (o: FuzzRun) =>
      check(name, "parser", o, texts, (text, tally) => {
        tally.add(parserOutcome(() => read(text), [code]));
      }),
  };
}

/** A gate targets file as a user writes one (docs/ci/): C09's target, from the design's figures. */
const c09 = latencyTarget("deltaUpload.latencyMsP99");
const targetsExample = {
  schemaVersion: 1,
  kind: "syncbench.targets",
  targets: {
    [c09.metric]: { max: c09.latencyMsMax, claims: [...c09.claims], figure: c09.statement },
  },
};

export function formatFileBoundaries(): Boundary[] {
  const results = testdata("simulator/calibration/testdata/builtin-2026-11-25/smoke-200.json");
  const measured = measuredFromResults(results, "smoke-200.json");
  const calibration = testdata("formats/testdata/golden/calibration-smoke-200.json");
  const projection = testdata("formats/testdata/golden/projection-design-peak-seed7.json");
  return [
    formatBoundary(
      "results file",
      resultsSchema,
      [results],
      (t) => parseResultsFile(t, "fuzz"),
      "RESULTS_INVALID",
    ),
    formatBoundary("knee file", kneeSchema, [], (t) => parseKneeFile(t, "fuzz"), "KNEE_INVALID"),
    formatBoundary(
      "measured-run file",
      measuredRunSchema,
      [measured],
      (t) => parseMeasuredFile(t, "fuzz"),
      "SIM_MEASURED_INVALID",
    ),
    formatBoundary(
      "calibration file",
      calibrationSchema,
      [calibration],
      (t) => parseCalibrationFile(t, "fuzz"),
      "SIM_CALIBRATION_INVALID",
    ),
    formatBoundary(
      "targets file",
      targetsSchema,
      [targetsExample],
      (t) => parseTargetsFile(t, "fuzz"),
      "TARGETS_INVALID",
    ),
    formatBoundary(
      "baseline file",
      baselineSchema,
      [baselineFromResults(results as Results, "smoke-200.json").baseline],
      (t) => parseBaselineFile(t, "fuzz"),
      "BASELINE_INVALID",
    ),
    formatBoundary(
      "projection file",
      projectionSchema,
      [projection],
      (t) => parseProjectionFile(t, "fuzz"),
      "PROJECTION_INVALID",
    ),
  ];
}
