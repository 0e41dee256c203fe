// The gate on real results files (a 30 s smoke run of the built-in target, checked in as the
// report's sample, and a 5 s one) and on histograms made here: pass, miss, regression beyond the
// noise only, "not enough samples (have n, need m)", "not measured", and the JUnit document.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBaselineFile, type BaselineFile } from "../../formats/baseline.schema.ts";
import { encodeHistogram, newHistogram, recordMs } from "../../formats/hdr-histogram.ts";
import { parseResultsFile, type Results } from "../../formats/results.schema.ts";
import { baselineFromResults } from "./baseline.ts";
import { evaluateGate, type GateTarget } from "./gate.ts";
import { gateJunit, gateLines } from "./gate-output.ts";

const read = (path: string) =>
  parseResultsFile(readFileSync(new URL(path, import.meta.url), "utf8"), path);
const run30 = read("../sample/inputs/smoke-30s.results.json");
const run5 = read("./testdata/smoke-5s.results.json");
const recorded = (r: Results): GateTarget[] => r.targets.map((t) => ({ ...t }));

/** run30 with deltaUpload's latency histogram replaced by `count` samples of `valueMs` each. */
function withLatency(results: Results, values: readonly number[]): Results {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  const operations = results.operations.map((op) =>
    op.name === "deltaUpload" && op.status === "measured"
      ? { ...op, histograms: { ...op.histograms, latencyUs: encodeHistogram(h) } }
      : op,
  );
  return { ...results, operations };
}

const scaled = (b: BaselineFile, factor: number): BaselineFile => ({
  ...b,
  metrics: b.metrics.map((m) => ({
    ...m,
    valueMs: m.valueMs * factor,
    ciLowMs: m.ciLowMs * factor,
    ciHighMs: m.ciHighMs * factor,
  })),
});

describe("gate", () => {
  it("passes a healthy 30 s run against the targets it recorded", () => {
    const report = evaluateGate({ results: run30, targets: recorded(run30), tolerancePct: 10 });
    expect(report.checks.map((c) => [c.metric, c.verdict])).toEqual([
      ["deltaUpload.latencyMsP99", "pass"],
      ["download.latencyMsP99", "pass"],
      ["notification.freshnessMsP99", "pass"],
    ]);
    expect(report.ok).toBe(true);
    // The recomputed p99 is the one the run recorded.
    const recordedP99 = run30.targets.find((t) => t.metric === "download.latencyMsP99")!.measured;
    expect(report.checks[1]!.measured!.value).toBeCloseTo(recordedP99!, 2);
  });

  it("fails a 5 s run: not enough samples (have n, need 1000), even though every p99 held", () => {
    const report = evaluateGate({ results: run5, targets: recorded(run5), tolerancePct: 10 });
    expect(report.ok).toBe(false);
    expect(run5.targets.every((t) => t.verdict === "held")).toBe(true);
    const deltaUploads = run5.operations.find((o) => o.name === "deltaUpload");
    const n = deltaUploads?.status === "measured" ? deltaUploads.latencyMs.count : -1;
    expect(report.checks[0]!.failures).toEqual([`not enough samples (have ${n}, need 1000)`]);
    expect(report.checks.every((c) => c.verdict === "not-enough-samples")).toBe(true);
  });

  it("lets a target lower the sample rule with samplesMin", () => {
    const targets = [{ ...recorded(run5)[0]!, samplesMin: 50 }];
    expect(evaluateGate({ results: run5, targets, tolerancePct: 10 }).ok).toBe(true);
  });

  it("passes a run against its own baseline and fails it against a baseline made tighter", () => {
    const { baseline } = baselineFromResults(run30, "run30");
    const same = evaluateGate({
      results: run30,
      targets: recorded(run30),
      baseline,
      tolerancePct: 10,
    });
    expect(same.ok).toBe(true);
    const tighter = scaled(baseline, 0.5);
    const report = evaluateGate({
      results: run30,
      targets: recorded(run30),
      baseline: tighter,
      tolerancePct: 10,
    });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.metric === "download.latencyMsP50")!.verdict).toBe(
      "regressed",
    );
    // A slowdown within the tolerance is not called: 0.95x is within 10 %.
    const slightly = evaluateGate({
      results: run30,
      targets: [],
      baseline: scaled(baseline, 0.95),
      tolerancePct: 10,
    });
    expect(slightly.ok).toBe(true);
  });

  it("calls a regression only beyond the noise: 1,000 samples, p99 moved by less than its interval", () => {
    const base = Array.from({ length: 1000 }, (_, i) => 10 + i / 10); // 10..109.9 ms
    const before = withLatency(run30, base);
    const { baseline } = baselineFromResults(before, "before");
    const p99 = baseline.metrics.find((m) => m.metric === "deltaUpload.latencyMsP99")!;
    // The three largest samples doubled: p99 (rank 990) unchanged, the interval barely moves.
    const noisy = withLatency(
      run30,
      base.map((v, i) => (i >= 997 ? v * 2 : v)),
    );
    const targets: GateTarget[] = [];
    expect(
      evaluateGate({ results: noisy, targets, baseline, tolerancePct: 0 }).checks.find(
        (c) => c.metric === "deltaUpload.latencyMsP99",
      )!.verdict,
    ).toBe("pass");
    // Every sample 1.5x slower: beyond the interval and a 10 % tolerance.
    const slower = withLatency(
      run30,
      base.map((v) => v * 1.5),
    );
    const check = evaluateGate({
      results: slower,
      targets,
      baseline,
      tolerancePct: 10,
    }).checks.find((c) => c.metric === "deltaUpload.latencyMsP99")!;
    expect(check.verdict).toBe("regressed");
    expect(check.failures[0]).toContain(`above the baseline's ${p99.ciHighMs} ms + 10 %`);
  });

  it("misses a target above its max, and fails what it could not measure", () => {
    const targets: GateTarget[] = [
      { metric: "download.latencyMsP50", max: 0.001, claims: ["C12"], figure: "tiny" },
      { metric: "blockGet.latencyMsP99", max: 100, claims: [], figure: "" },
      { metric: "download.bogusP99", max: 100, claims: [], figure: "" },
    ];
    const report = evaluateGate({
      results: { ...run30, websocket: null },
      targets: [
        ...targets,
        { metric: "notification.freshnessMsP50", max: 100, claims: [], figure: "" },
      ],
      tolerancePct: 10,
    });
    expect(report.checks.map((c) => c.verdict)).toEqual([
      "missed",
      "not-measured",
      "not-measured",
      "not-measured",
    ]);
    expect(report.checks[1]!.failures[0]).toBe(
      'not measured: operation "blockGet" is not in this run',
    );
    expect(report.checks[2]!.failures[0]).toContain("cannot measure a metric");
  });

  it("fails when nothing was judged: no target and no baseline is not a pass", () => {
    expect(evaluateGate({ results: run30, targets: [], tolerancePct: 10 }).ok).toBe(false);
  });

  it("writes JUnit XML with one testcase per check and a failure for each failed one", () => {
    const report = evaluateGate({ results: run5, targets: recorded(run5), tolerancePct: 10 });
    const xml = gateJunit(report);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<failure type="not-enough-samples"/g)).toHaveLength(3);
    expect(xml).toContain('failures="3"');
    expect(gateLines(report).at(-1)).toMatch(/^gate: FAILED: 0 of 3 checks passed/);
  });

  it("reads C13's shared miss rate from the edge's cache counts, with the ratio's sample rule", () => {
    const withEdge = (edgeCache: { sharedHitCount: number; sharedMissCount: number }): Results => ({
      ...run30,
      operations: run30.operations.map((op) =>
        op.name === "download" && op.status === "measured"
          ? { ...op, edgeCache: { ...edgeCache, otherHitCount: 0, otherMissCount: 0 } }
          : op,
      ),
    });
    const target: GateTarget = {
      metric: "download.sharedMissRate",
      max: 0.4,
      claims: ["C13"],
      figure: "CDN hit rate > 60% for shared content",
    };
    const judge = (r: Results) =>
      evaluateGate({ results: r, targets: [target], tolerancePct: 10 }).checks[0]!;
    const held = judge(withEdge({ sharedHitCount: 90, sharedMissCount: 10 }));
    expect([held.verdict, held.measured?.value]).toEqual(["pass", 0.1]);
    expect(judge(withEdge({ sharedHitCount: 40, sharedMissCount: 60 })).verdict).toBe("missed");
    // 10 expected misses at the bound: ceil(10 / 0.4) = 25 shared downloads at least.
    const few = judge(withEdge({ sharedHitCount: 20, sharedMissCount: 0 }));
    expect(few.failures).toEqual(["not enough samples (have 20, need 25)"]);
    const none = judge(run30);
    expect(none.verdict).toBe("not-measured");
  });
});

describe("baseline", () => {
  it("keeps only percentiles with enough samples and round-trips through its reader", () => {
    const { baseline, skipped } = baselineFromResults(run30, "smoke-30s.results.json");
    expect(baseline.metrics.map((m) => m.metric)).toContain("download.latencyMsP99");
    expect(skipped.some((s) => s.startsWith("download.latencyMsP999: not enough samples"))).toBe(
      true,
    );
    expect(parseBaselineFile(JSON.stringify(baseline))).toEqual(baseline);
  });

  it("refuses a hand edit that leaves the value outside its interval", () => {
    const { baseline } = baselineFromResults(run30, "x");
    const broken = { ...baseline, metrics: [{ ...baseline.metrics[0]!, ciHighMs: 0 }] };
    expect(() => parseBaselineFile(JSON.stringify(broken), "b.json")).toThrow(
      /ciLowMs <= valueMs <= ciHighMs/,
    );
  });
});
