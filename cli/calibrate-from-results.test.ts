// Calibration from measured runs, end to end: `syncbench calibrate` fits one results.json and
// `syncbench simulate --validate` predicts another run's p50/p99 from it (calibrate at rate A,
// predict rate B), on the committed results of two runs against the built-in target
// (simulator/calibration/testdata/builtin-2026-11-25, 200 and 1000 req/s), so the figures are
// fixed and the test does not depend on how busy this machine is. Tolerances, stated here and why:
//   p50: within 30 % for every operation (the target);
//   p99: within a factor of 3 either way, a check that the tail travels through the path (send
//        lag and service-time histograms), not an accuracy claim (measured-table.test.ts holds
//        the accuracy figures of the same files).
// One live run of the smoke scenario against the built-in target checks that what `run` writes
// today is read the same way; it asserts the file's shape, never its timings.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command as calibrate } from "./commands/calibrate.ts";
import { command as simulate } from "./commands/simulate.ts";
import type { CliContext } from "./context.ts";
import { defaultDriverLimits } from "../scenarios/open-model/http-open-model.ts";
import { loadScenario } from "../scenarios/library/index.ts";
import { applyOverrides } from "../scenarios/run/effective.ts";
import { runScenario } from "../scenarios/run/run-scenario.ts";
import { startBuiltinTarget, type BuiltinTarget } from "../scenarios/targets/builtin-target.ts";
import { parseCalibrationFile } from "../formats/calibration.schema.ts";
import { measuredFromResults } from "../formats/measured-from-results.ts";
import { sendLagPart } from "../formats/part-names.ts";
import {
  encodeHistogram,
  newHistogram,
  percentilesMs,
  recordMs,
} from "../formats/hdr-histogram.ts";
import type { ReplayRow } from "../simulator/calibration/replay.ts";
import type { Results } from "../formats/results.schema.ts";

const rateA = 150;
const p50TolerancePct = 30,
  p99Factor = 3;
const committed = new URL("../simulator/calibration/testdata/builtin-2026-11-25/", import.meta.url);

async function measure(url: string, ratePerS: number): Promise<unknown> {
  const scenario = applyOverrides(loadScenario("smoke"), { ratePerS, durationS: 4, warmupS: 1 });
  const results = await runScenario({
    scenario,
    baseUrl: url,
    targetLabel: url,
    limits: defaultDriverLimits,
    overrides: {},
    version: "test",
    log: () => {},
  });
  return JSON.parse(JSON.stringify(results)) as unknown; // as written to results.json
}

function context(cwd: string): CliContext & { lines: string[] } {
  const lines: string[] = [],
    id = (t: string) => t;
  return {
    env: {},
    cwd,
    lines,
    out: (l) => void lines.push(l),
    err: (l) => void lines.push(l),
    color: { green: id, red: id, yellow: id, dim: id, bold: id },
  };
}

describe("calibration from syncbench run results (built-in target)", () => {
  let target: BuiltinTarget;
  let dir: string;
  beforeAll(async () => {
    target = await startBuiltinTarget();
    dir = mkdtempSync(join(tmpdir(), "syncbench-cal-"));
    writeFileSync(join(dir, "live.json"), JSON.stringify(await measure(target.url, rateA)));
    copyFileSync(new URL("smoke-200.json", committed), join(dir, "a.json"));
    copyFileSync(new URL("smoke-1000.json", committed), join(dir, "b.json"));
  }, 60_000);
  afterAll(async () => {
    await target?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads results.json: send lag plus one pure-delay part per measured operation", () => {
    const value = JSON.parse(readFileSync(join(dir, "live.json"), "utf8")) as unknown;
    const run = measuredFromResults(value, "live.json");
    expect(run.operations.map((o) => o.name).sort()).toEqual([
      "deltaUpload",
      "download",
      "listFolder",
      "newFileUpload",
    ]);
    for (const op of run.operations) {
      expect(op.parts.map((p) => p.name)).toEqual([sendLagPart, `${op.name}.clientServiceTime`]);
      expect(op.parts.every((p) => p.servers === null)).toBe(true);
      expect(op.rateAchievedPerS).toBeGreaterThan(0);
    }
  });

  it("calibrate at rate A, validate at rate B, through the CLI commands", async () => {
    const ctx = context(dir);
    expect(await calibrate.run(["a.json", "-o", "cal.json"], ctx)).toBe(0);
    expect(() =>
      parseCalibrationFile(readFileSync(join(dir, "cal.json"), "utf8"), "cal.json"),
    ).not.toThrow();
    const args = ["--validate", "b.json", "--calibration", "cal.json", "--json"];
    const code = await simulate.run(args, ctx);
    const line = ctx.lines.find((l) => l.startsWith('{"seed"'))!;
    const report = JSON.parse(line) as { rows: ReplayRow[] };
    expect(report.rows).toHaveLength(4);
    expect(code).toBe(report.rows.every((r) => r.within30Pct) ? 0 : 4);
    const ratesOfA = new Map(
      measuredFromResults(
        JSON.parse(readFileSync(join(dir, "a.json"), "utf8")),
        "a.json",
      ).operations.map((o) => [o.name, o.rateAchievedPerS]),
    );
    for (const r of report.rows) {
      expect(r.ratePerS).toBeGreaterThan(2 * ratesOfA.get(r.operation)!); // B's rates (1000/s), not A's (200/s)
      expect(Math.abs(r.p50ErrorPct), `${r.operation} p50`).toBeLessThan(p50TolerancePct);
      const ratio = r.predictedP99Ms / r.measuredP99Ms;
      expect(ratio, `${r.operation} p99 predicted/measured`).toBeGreaterThan(1 / p99Factor);
      expect(ratio, `${r.operation} p99 predicted/measured`).toBeLessThan(p99Factor);
    }
  });

  it("server-side parts in results.json calibrate the experiments' parts by name", async () => {
    const good = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as Record<string, unknown>;
    const read = newHistogram(),
      apply = newHistogram();
    for (let i = 1; i <= 1000; i++) {
      recordMs(read, 8 + (i % 10));
      recordMs(apply, 2 + (i % 3));
    }
    const part = (h: ReturnType<typeof newHistogram>) => ({
      ms: percentilesMs(h),
      histogramUs: encodeHistogram(h),
    });
    writeFileSync(
      join(dir, "with-parts.json"),
      JSON.stringify({
        ...good,
        serverParts: {
          sources: [{ url: "u", source: "chunk-1" }],
          excluded: [],
          parts: {
            "s3.read": part(read),
            "chunkService.deltaApply": part(apply),
            "s3.head": part(apply),
          },
        },
      }),
    );
    const run = measuredFromResults(
      JSON.parse(readFileSync(join(dir, "with-parts.json"), "utf8")),
      "with-parts.json",
    );
    expect(run.serverParts?.map((p) => p.name)).toEqual([
      "s3.read",
      "chunkService.deltaApply",
      "s3.head",
    ]);
    const ctx = context(dir);
    expect(await calibrate.run(["with-parts.json", "-o", "cal-parts.json"], ctx)).toBe(0);
    const cal = JSON.parse(readFileSync(join(dir, "cal-parts.json"), "utf8")) as {
      parts: Record<string, unknown>;
    };
    expect(Object.keys(cal.parts)).toEqual(
      expect.arrayContaining(["s3.read", "chunkService.deltaApply"]),
    );
    expect(
      ctx.lines
        .filter((l) => l.includes("experiments use measured"))
        .map((l) => l.split(":")[0]!.trim()),
    ).toEqual(["experiments use measured s3.read"]);
    // The delta apply is inside the ChunkService's CPU per upload in the model: named, not claimed.
    expect(ctx.lines).toContain(
      "  measured but no part of the experiments' model: chunkService.deltaApply, s3.head",
    );
    const projectionPath = join(dir, "projection.json");
    await simulate.run(
      [
        "design-peak",
        "--calibration",
        "cal-parts.json",
        "--duration-s",
        "2",
        "--replications",
        "1",
        "--devices",
        "100000",
        "--out",
        projectionPath,
      ],
      ctx,
    );
    const projection = JSON.parse(readFileSync(projectionPath, "utf8")) as {
      calibration: { source: string; parts: string[] };
    };
    // s3.head is no part of the design's model, so it is not claimed as calibrated.
    expect(projection.calibration).toEqual({ source: "cal-parts.json", parts: ["s3.read"] });
  }, 60_000);

  it("the ChunkServices' CPU over the window per delta upload becomes chunkService.cpu, for delta uploads alone", () => {
    const good = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as Results;
    const delta = good.operations.find((o) => o.name === "deltaUpload");
    if (delta?.status !== "measured") throw new Error("the smoke run measured no delta upload");
    const serverParts = {
      sources: [{ url: "u", source: "chunk-1" }],
      excluded: [],
      parts: {},
      cpuSeconds: 2.5,
    };
    // Not saturated, whatever the busy machine made of run A: the saturation warning is not the subject.
    const saturation = { saturated: false, by: "none" as const, reasons: [] };
    const alone = { ...good, operations: [delta], serverParts, saturation };
    const notes: string[] = [];
    const run = measuredFromResults(alone, "alone.json", (l) => notes.push(l));
    const done = delta.counts.ok + delta.counts.error;
    const cpu = run.serverParts?.find((p) => p.name === "chunkService.cpu");
    expect(cpu?.serviceTimeMs?.mean).toBeCloseTo(2500 / done, 9);
    expect(notes).toEqual([]);
    // A mix shares the CPU among operations the law cannot tell apart: no part, and a note saying why.
    const mixed = measuredFromResults({ ...good, serverParts }, "mixed.json", (l) => notes.push(l));
    expect(mixed.serverParts?.some((p) => p.name === "chunkService.cpu") ?? false).toBe(false);
    expect(notes.join("\n")).toMatch(
      /chunkService\.cpu is not derived: the window held deltaUpload, /,
    );
  });

  it("a broken results file names the field", () => {
    const good = JSON.parse(readFileSync(join(dir, "live.json"), "utf8")) as object;
    const broken = { ...good, rate: 5 };
    expect(() => measuredFromResults(broken, "broken.json")).toThrow(/broken\.json.*rate/);
  });
});
