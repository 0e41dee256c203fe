// The sample report's inputs, in a fixed order: a 30 s smoke run of the built-in target, its knee
// search (on a busy machine: generator-bound at the first step), the simulator's projections of
// five experiments, a calibration of formats/' golden set, and `npm run bench:delta -- --json
// --quick` (the delta engine beside its anchor tools). The golden test
// (reports/report.golden.test.ts) and `npm run report:sample` both read them through this list.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ReportSource } from "../build-report.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export const sampleInputPaths: readonly string[] = [
  "reports/sample/inputs/smoke-30s.results.json",
  "reports/sample/inputs/smoke-builtin.knee.json",
  "formats/testdata/golden/calibration-smoke-200.json",
  "reports/sample/inputs/design-peak.projection.json",
  "reports/sample/inputs/rolling-deploy.projection.json",
  "reports/sample/inputs/shard-skew.projection.json",
  "reports/sample/inputs/kafka-lag.projection.json",
  "reports/sample/inputs/cdn-hit-rate.projection.json",
  "reports/sample/inputs/quick.delta-bench.json",
];

/** Where the golden copy of the sample report lives. */
export const sampleReportDir = fileURLToPath(new URL("./report/", import.meta.url));

export function sampleSources(): ReportSource[] {
  return sampleInputPaths.map((source) => ({
    source,
    text: readFileSync(`${root}${source}`, "utf8"),
  }));
}
