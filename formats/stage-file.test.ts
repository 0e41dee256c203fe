// parseStageFile reads any stage file by its kind, and refuses another kind naming those it reads;
// the targets file reader takes a CI job's bounds and refuses a metric name it cannot be.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSyncbenchError } from "../reference-impl/core/errors.ts";
import { parseStageFile } from "./stage-file.ts";
import { parseTargetsFile } from "./targets.schema.ts";

const text = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

describe("parseStageFile", () => {
  it("reads results, calibration and projection files by their kind", () => {
    const kinds = [
      "../simulator/calibration/testdata/builtin-2026-11-25/smoke-200.json",
      "./testdata/golden/calibration-smoke-200.json",
      "./testdata/golden/projection-design-peak-seed7.json",
    ].map((p) => parseStageFile(text(p), p).kind);
    expect(kinds).toEqual(["results", "calibration", "projection"]);
  });

  it("reads a delta-bench file, stamped or of the first unstamped version", () => {
    const path = "../reports/sample/inputs/quick.delta-bench.json";
    const stamped = JSON.parse(text(path)) as Record<string, unknown>;
    expect(parseStageFile(stamped, path).kind).toBe("delta-bench");
    const { kind: _kind, schemaVersion: _version, ...unstamped } = stamped;
    expect(parseStageFile(unstamped, path).kind).toBe("delta-bench");
  });

  it("refuses another kind with STAGE_FILE_INVALID naming the kinds it reads", () => {
    let error: unknown;
    try {
      parseStageFile('{"kind":"syncbench.baseline"}', "b.json");
    } catch (e) {
      error = e;
    }
    expect(isSyncbenchError(error, "STAGE_FILE_INVALID")).toBe(true);
    expect((error as Error).message).toContain('has kind "syncbench.baseline"; expected one of');
  });

  it("passes a known kind's own problems through its reader", () => {
    expect(() => parseStageFile('{"kind":"knee","schemaVersion":1}', "k.json")).toThrow(
      /schemaVersion 1; this syncbench reads schemaVersion 2/,
    );
  });
});

describe("parseTargetsFile", () => {
  it("fills claims and figure, keeps samplesMin", () => {
    const file = parseTargetsFile(
      '{"kind":"syncbench.targets","schemaVersion":1,' +
        '"targets":{"download.latencyMsP99":{"max":50,"samplesMin":500}}}',
    );
    expect(file.targets["download.latencyMsP99"]).toEqual({
      max: 50,
      claims: [],
      figure: "",
      samplesMin: 500,
    });
  });

  it("refuses a name that is not a metric, and an empty list", () => {
    const doc = (targets: string) =>
      `{"kind":"syncbench.targets","schemaVersion":1,"targets":${targets}}`;
    expect(() => parseTargetsFile(doc('{"p99 of x":{"max":1}}'), "t.json")).toThrow(
      /targets.p99 of x: Invalid key in record/,
    );
    expect(() => parseTargetsFile(doc("{}"), "t.json")).toThrow(/at least one target/);
  });
});
