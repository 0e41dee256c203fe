// End to end on loopback: `run` against the built-in target (fixed service times) measures the
// available operations, reports a missing route or a refused connection as "not available in
// this stack", and writes a results file that validates on read. Assertions avoid timing
// bounds except generous ones (the service times are timers of a few ms).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDriverLimits } from "../open-model/http-open-model.ts";
import { loadScenario } from "../library/index.ts";
import { decodeHistogram } from "../../formats/hdr-histogram.ts";
import { measuredFromResults } from "../../formats/measured-from-results.ts";
import { readResults, writeResults } from "../measure/results-file.ts";
import { validateMeasuredRun } from "../../formats/measured.schema.ts";
import {
  builtinTargetDefaults,
  startBuiltinTarget,
  type BuiltinTarget,
} from "../targets/builtin-target.ts";
import { applyOverrides } from "./effective.ts";
import { runScenario } from "./run-scenario.ts";

/** Folders this file made in the system temp folder, removed when it ends. */
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const scenario = applyOverrides(loadScenario("smoke"), { ratePerS: 40, durationS: 3, warmupS: 1 });
const request = (baseUrl: string) => ({
  scenario,
  baseUrl,
  targetLabel: baseUrl,
  limits: defaultDriverLimits,
  overrides: {},
  version: "test",
  log: () => {},
});

describe("run against the built-in target", () => {
  let target: BuiltinTarget;
  beforeAll(async () => {
    target = await startBuiltinTarget({ ...builtinTargetDefaults, missingRoutes: ["filesList"] });
  });
  afterAll(() => target.close());

  it("measures served operations, reports the missing one, writes valid results", async () => {
    const results = await runScenario(request(target.url));
    const byName = new Map(results.operations.map((o) => [o.name, o]));
    const list = byName.get("listFolder")!;
    expect(list.status).toBe("not-available");
    if (list.status === "not-available")
      expect(list.reason).toContain("not available in this stack");
    const download = byName.get("download")!;
    expect(download.status).toBe("measured");
    if (download.status === "measured") {
      expect(download.counts.ok).toBeGreaterThan(0);
      expect(download.counts.error).toBe(0);
      // Service time 1 ms by a timer: latency is at least that, whatever the machine's load.
      expect(download.latencyMs.p50).toBeGreaterThanOrEqual(0.9);
      expect(decodeHistogram(download.histograms.latencyUs).totalCount).toBe(
        download.latencyMs.count,
      );
    }
    expect(results.targets.find((t) => t.metric === "deltaUpload.latencyMsP99")?.verdict).not.toBe(
      "not-measured",
    );
    expect(validateMeasuredRun(measuredFromResults(results, "smoke"))).toEqual([]);
    const file = join(tempDir("syncbench-"), "results.json");
    writeResults(file, results);
    expect(readResults(file).schemaVersion).toBe(1);
  });
});

describe("run against nothing", () => {
  it("reports every operation as not available when the connection is refused", async () => {
    const target = await startBuiltinTarget();
    const url = target.url;
    await target.close();
    const results = await runScenario(request(url));
    expect(results.operations.every((o) => o.status === "not-available")).toBe(true);
    expect(
      results.targets.every((t) => t.verdict === "not-measured" || t.metric.startsWith("run.")),
    ).toBe(true);
  });
});
