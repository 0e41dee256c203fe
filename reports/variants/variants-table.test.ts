// The compare-variants table: each variant's measured figures beside the design's for the same
// quantity (read from the design's figures, so a file of another size scales V0's line), the cost
// model's monthly cost, and the sample counts; percentiles are nearest rank over few samples.
import { describe, expect, it } from "vitest";
import { variants } from "../../formats/design.ts";
import { checkVariantsComparison, summarizeLatency } from "../../formats/variants.schema.ts";
import { estimateCost } from "../cost/cost-model.ts";
import { designFigures, variantsTableLines } from "./variants-table.ts";

const mib = 1024 * 1024;

function run(name: "V0" | "V1" | "V2", payloadBytes: number) {
  const { name: _n, title: _t, ...flags } = variants[name];
  return {
    variant: name,
    flags,
    editsCount: 3,
    upload: {
      payloadBytesPerEditMean: payloadBytes,
      bodyBytesPerEditMean: payloadBytes + 600,
      requestsPerEditMean: 3,
      latencyMs: summarizeLatency([100, 200, 300]),
    },
    notification: {
      delayMs: summarizeLatency([10, 20, 30]),
      missedCount: name === "V1" ? 1 : 0,
      requestsPerMinute: 12,
    },
    download: {
      via: flags.cdn ? "cdn" : "s3",
      bytesPerEditMean: payloadBytes,
      requestsPerEditMean: 2,
      latencyMs: summarizeLatency([5]),
    },
    wallS: 30,
  };
}

describe("compare-variants table", () => {
  it("prints measured beside the design's figures, with costs and sample counts", () => {
    const file = checkVariantsComparison(
      {
        kind: "syncbench.variants",
        schemaVersion: 1,
        scenario: "delta-edit-storm",
        seed: 1,
        quick: true,
        fileBytes: 8 * mib,
        editBytes: 100,
        startedAt: "2026-12-07T03:00:00Z",
        loadavg: [2, 2, 2],
        runs: [run("V0", 8 * mib), run("V1", 4 * mib), run("V2", 117)],
        notes: ["a note"],
      },
      "test",
    );
    const costs = new Map(file.runs.map((r) => [r.variant, estimateCost(r.variant, 1_000_000)]));
    const text = variantsTableLines(file, costs).join("\n");
    expect(text).toMatch(/V0 Naive.*upload whole-file, notify poll every 5 s, CDN off/);
    expect(text).toMatch(/80 s\+ for 1 GB, 0\.67 s\+ for this file/);
    expect(text).toMatch(/upload p50 \/ p99 +200 ms \/ 300 ms \(n=3\) +0\.3 s/);
    expect(text).toMatch(/notification p50 \/ p99 +20 ms \/ 30 ms \(n=3\), 1 missed +< 5 s/);
    expect(text).toMatch(/117 B payload, 717 B all bodies +~200 B/);
    expect(text).toMatch(/download \(cdn\)/);
    expect(text).toMatch(/\$8,000 a month/);
    expect(text).toMatch(/note: a note/);
    expect(designFigures(2 * 8 * mib).V0.upload).toMatch(/1\.34 s\+ for this file/);
  });

  it("takes nearest-rank percentiles: p99 of fewer than 100 samples is their maximum", () => {
    const s = summarizeLatency(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(s).toEqual({ samplesCount: 20, p50: 10, p99: 20, max: 20, mean: 10.5 });
    expect(summarizeLatency([])).toMatchObject({ samplesCount: 0, p50: null, p99: null });
  });
});
