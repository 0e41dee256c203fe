// The ledger end to end on its pure inputs: 36 rows in CLAIMS.md's order; with no file every
// arithmetic claim decided and every measured/simulated part not-measured; a changed design
// figure moves a verdict; evidence files (a run's results, a projection, a delta bench) are read
// by kind and give verdicts with their figures and sample counts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readEvidence, type Evidence } from "./inputs.ts";
import { evaluateClaims, ledgerInputs, type LedgerInputs } from "./ledger.ts";
import type { ClaimRow } from "./verdict.ts";

const row = (rows: ClaimRow[], id: string) => rows.find((r) => r.id === id)!;
const part = (rows: ClaimRow[], id: string, method: string) =>
  row(rows, id).parts.find((p) => p.method === method)!;
const file = (path: string) => ({ path, text: readFileSync(path, "utf8") });
const results = "simulator/calibration/testdata/builtin-2026-11-25/smoke-1000.json";
const projection = "formats/testdata/golden/projection-design-peak-seed7.json";

function deltaBench(bytes: number, encodeMs = 12) {
  const cell = { bytes, encodeMs, decodeMs: 2, roundTripOk: true, runs: 5 };
  return {
    path: "delta.json",
    text: JSON.stringify({
      kind: "syncbench.delta-bench",
      schemaVersion: 1,
      runs: 5,
      quick: true,
      loadavgBefore: "1",
      synthetic: [
        {
          corpus: "synthetic",
          name: "text-overwrite100",
          kind: "text",
          newBytes: 4194304,
          cells: { syncbench: cell },
        },
      ],
      real: [],
      targets: [],
    }),
  };
}

function latency(ms: number, n = 20) {
  return { samplesCount: n, p50: ms, p99: ms * 2, max: ms * 2, mean: ms };
}

/** A compare-variants file: per variant its upload p50 (p99 twice it), delay mean, payload. */
function variantsFile(
  figures: Record<string, { uploadMs: number; delayMs: number; bytes: number; missed?: number }>,
) {
  const flags = {
    V0: { upload: "whole-file", notify: "poll", cdn: false, gcGraceHours: null },
    V1: { upload: "block", notify: "kafka-poll", cdn: false, gcGraceHours: 24 },
    V2: { upload: "delta", notify: "push", cdn: true, gcGraceHours: 72 },
  } as const;
  const runs = Object.entries(figures).map(([name, f]) => ({
    variant: name,
    flags: {
      ...flags[name as keyof typeof flags],
      pollIntervalS: 5,
      linkMbps: 100,
      eventStream: name !== "V0",
      shardedMetadata: name !== "V0",
      multiAz: name !== "V0",
    },
    editsCount: 20,
    upload: {
      payloadBytesPerEditMean: f.bytes,
      bodyBytesPerEditMean: f.bytes + 500,
      requestsPerEditMean: 3,
      latencyMs: latency(f.uploadMs),
    },
    notification: {
      delayMs: latency(f.delayMs),
      missedCount: f.missed ?? 0,
      requestsPerMinute: 12,
    },
    download: {
      via: name === "V2" ? "cdn" : "s3",
      bytesPerEditMean: f.bytes,
      requestsPerEditMean: 2,
      latencyMs: latency(50),
    },
    wallS: 100,
  }));
  return {
    path: "variants.json",
    text: JSON.stringify({
      kind: "syncbench.variants",
      schemaVersion: 1,
      scenario: "delta-edit-storm",
      seed: 100,
      quick: false,
      fileBytes: 32 * 1024 * 1024,
      editBytes: 100,
      startedAt: "2026-12-07T03:00:00Z",
      loadavg: [1, 1, 1],
      runs,
      notes: [],
    }),
  };
}

function connectionBench(bytesPerConnection: number) {
  return {
    path: "connections.json",
    text: JSON.stringify({
      kind: "syncbench.connection-bench",
      schemaVersion: 1,
      startedAt: "2026-12-07T03:00:00Z",
      process: "notification-service-1",
      endpoint: "http://127.0.0.1:7141",
      connectionsMaxConfigured: 200_000,
      devicesPerUser: 2.5,
      steps: [
        { connectionsCount: 0, rssBytes: 100e6 },
        { connectionsCount: 10_000, rssBytes: 100e6 + 10_000 * bytesPerConnection },
      ],
      bytesPerConnection,
      failedCount: 0,
      settleMs: 3000,
      loadavg: [1],
      notes: [],
    }),
  };
}

function evaluate(change?: (i: LedgerInputs) => void, evidence?: Evidence): ClaimRow[] {
  const inputs = ledgerInputs(evidence);
  change?.(inputs);
  return evaluateClaims(inputs);
}

describe("claims ledger", () => {
  it("prints 36 rows in CLAIMS.md's order; with no file, arithmetic decided, the rest not-measured", () => {
    const rows = evaluate();
    expect(rows.map((r) => r.id)).toEqual(
      Array.from({ length: 36 }, (_, i) => `C${String(i + 1).padStart(2, "0")}`),
    );
    for (const r of rows) {
      for (const p of r.parts) {
        if (p.method === "measured" || p.method === "simulated") {
          expect(["not-measured", "unverifiable"], `${r.id} ${p.method}`).toContain(p.verdict);
        } else {
          expect(["holds", "fails", "inconsistent", "unverifiable"], `${r.id}`).toContain(
            p.verdict,
          );
        }
      }
    }
    for (const id of ["C17", "C20", "C24", "C27", "C29", "C33"]) {
      expect(["holds", "fails", "inconsistent"], id).toContain(row(rows, id).verdict);
    }
  });

  it("finds the design's contradictions and names the statements", () => {
    const rows = evaluate();
    expect(row(rows, "C08").verdict).toBe("inconsistent");
    expect(part(rows, "C08", "arithmetic").detail).toContain("C01");
    expect(row(rows, "C16").verdict).toBe("inconsistent"); // 250 x 2 ms vs 10-15 ms
    expect(row(rows, "C07").verdict).toBe("inconsistent"); // 2.9 MB at 100 Mbps, not 3.9 MB
    expect(row(rows, "C20").verdict).toBe("inconsistent"); // 100M users vs 100M devices
    expect(row(rows, "C24").verdict).toBe("holds");
  });

  it("moves a verdict when an input figure changes", () => {
    expect(
      row(
        evaluate((i) => {
          i.design.shardCount = 32;
        }),
        "C24",
      ).verdict,
    ).toBe("inconsistent");
    expect(
      part(
        evaluate((i) => {
          i.design.stated.C01.deltaBytes = 100_000;
        }),
        "C08",
        "arithmetic",
      ).verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.serviceTimeMs.metadataCacheHitPerHash = 0.05;
        }),
        "C16",
      ).parts[0]!.verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C06.computeMs = 200;
        }),
        "C06",
      ).parts[0]!.verdict,
    ).toBe("inconsistent");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C07.netWinDeltaMB = 2.9;
        }),
        "C07",
      ).verdict,
    ).toBe("holds");
    expect(
      row(
        evaluate((i) => {
          i.design.stated.C31.costUsdPerMonth = { V0: 1e6, V1: 1e6, V2: 1e6 };
        }),
        "C31",
      ).verdict,
    ).toBe("holds");
  });

  it("reads a delta bench: C01 holds at 65 B, fails at 300 B; C04 fails at 80 ms", () => {
    const small = evaluate(undefined, readEvidence([deltaBench(65)]));
    expect(row(small, "C01").verdict).toBe("holds");
    expect(part(small, "C01", "measured").figures[0]).toContain("65 B");
    expect(part(small, "C01", "measured").samples).toContain("5 runs");
    expect(row(evaluate(undefined, readEvidence([deltaBench(300)])), "C01").verdict).toBe("fails");
    expect(row(evaluate(undefined, readEvidence([deltaBench(65, 80)])), "C04").verdict).toBe(
      "fails",
    );
  });

  it("reads a run's results: C09's p99 against the design's target, with its sample count", () => {
    const rows = evaluate(undefined, readEvidence([file(results)]));
    const measured = part(rows, "C09", "measured");
    expect(measured.verdict).toBe("holds");
    expect(measured.samples).toMatch(/\d+ samples/);
    expect(part(rows, "C11", "measured").verdict).toBe("not-measured"); // no devices in the run
    const tight = evaluate(
      (i) => {
        i.design.targets.find((t) => t.metric === "deltaUpload.latencyMsP99")!.latencyMsMax = 1;
      },
      readEvidence([file(results)]),
    );
    expect(part(tight, "C09", "measured").verdict).toBe("fails");
  });

  it("reads C10 from a run's push p99 when it has one, else from an older run's p50", () => {
    const run = JSON.parse(readFileSync(results, "utf8")) as {
      targets: { metric: string; max: number; measured: number | null }[];
    };
    const withPush = (ms: number) => ({
      ...run,
      targets: [
        ...run.targets,
        { ...run.targets[0]!, metric: "notification.pushMsP99", max: 200, measured: ms },
      ],
    });
    const of = (ms: number) =>
      part(
        evaluate(undefined, readEvidence([{ path: "r.json", text: JSON.stringify(withPush(ms)) }])),
        "C10",
        "measured",
      );
    expect(of(150)).toMatchObject({ verdict: "holds" });
    expect(of(150).figures[0]).toMatch(/^notification\.pushMsP99 150 ms/);
    expect(of(261).verdict).toBe("fails");
  });

  it("reads a projection: simulated parts with replications and intervals, C14 from utilisation", () => {
    const rows = evaluate(undefined, readEvidence([file(projection)]));
    const c09 = part(rows, "C09", "simulated");
    expect(["holds", "fails", "unverifiable"]).toContain(c09.verdict);
    expect(c09.samples).toMatch(/replications, 95 % interval/);
    expect(part(rows, "C14", "simulated").verdict).not.toBe("not-measured");
    expect(part(rows, "C22", "simulated").verdict).toBe("not-measured"); // rolling-deploy not given
  });

  it("never lets an unstable station support holds: a projection's stability decides first", () => {
    const text = readFileSync(projection, "utf8");
    const marked = JSON.parse(text) as { metrics: { name: string; stability?: unknown }[] };
    const c10 = marked.metrics.find((m) => m.name === "notification.freshnessMsP50")!;
    const steady = evaluate(undefined, readEvidence([{ path: "p.json", text }]));
    expect(part(steady, "C10", "simulated").verdict).toBe("holds");
    c10.stability = { status: "unstable", offeredRho: 1.36, afterS: 60 };
    const unstable = evaluate(
      undefined,
      readEvidence([{ path: "p.json", text: JSON.stringify(marked) }]),
    );
    const c10Part = part(unstable, "C10", "simulated");
    expect(c10Part.verdict).toBe("fails");
    expect(c10Part.figures.join(" ")).toMatch(/unstable \(offered ρ = 1\.36\)/);
    expect(c10Part.detail).toMatch(/offered ρ ≥ 1/);
    c10.stability = {
      status: "notSteady",
      afterS: 60,
      firstHalfMeanS: 0.01,
      secondHalfMeanS: 0.03,
    };
    const growing = evaluate(
      undefined,
      readEvidence([{ path: "p.json", text: JSON.stringify(marked) }]),
    );
    expect(part(growing, "C10", "simulated").verdict).toBe("unverifiable");
  });

  it("reads a variants comparison: C34, C36, C35, C21 on the stack, moved by the design's figures", () => {
    const good = variantsFile({
      V0: { uploadMs: 3_000, delayMs: 2_400, bytes: 32 * 1024 * 1024 },
      V1: { uploadMs: 340, delayMs: 2_400, bytes: 4 * 1024 * 1024 },
      V2: { uploadMs: 40, delayMs: 30, bytes: 120 },
    });
    const rows = evaluate(undefined, readEvidence([good]));
    const c34 = row(rows, "C34").parts.filter((x) => x.method === "measured");
    expect(c34.some((x) => /V1 p50 0\.34 s/.test(x.figures.join(" ")))).toBe(true);
    const onStack = c34.find((x) => x.sources.some((s) => s.startsWith("variants.json")))!;
    expect(onStack.verdict).toBe("holds");
    expect(onStack.samples).toMatch(/V0 20 edits/);
    const slowerV1 = evaluate(
      (i) => {
        i.design.stated.C34.v1UploadS = 0.2;
      },
      readEvidence([good]),
    );
    const moved = row(slowerV1, "C34").parts.find((x) =>
      x.sources.some((s) => s.startsWith("variants.json")),
    )!;
    expect(moved.verdict).toBe("fails");
    const c36 = row(rows, "C36").parts.find((x) =>
      x.sources.some((s) => s.startsWith("variants")),
    )!;
    expect(c36.verdict).toBe("holds");
    const c21 = row(rows, "C21").parts.find((x) =>
      x.sources.some((s) => s.startsWith("variants")),
    )!;
    expect(c21.verdict).toBe("holds"); // 2,400 ms / 30 ms = 80x
    const c35 = row(rows, "C35").parts.find((x) =>
      x.sources.some((s) => s.startsWith("variants")),
    )!;
    expect(c35.verdict).toBe("holds"); // 10 x 4 MiB = 41.9 MB; 10 x 120 B = 1.2 KB

    const missed = variantsFile({
      V0: { uploadMs: 3_000, delayMs: 2_400, bytes: 1 },
      V1: { uploadMs: 340, delayMs: 2_600, bytes: 1, missed: 1 },
      V2: { uploadMs: 40, delayMs: 30, bytes: 1 },
    });
    const late = evaluate(undefined, readEvidence([missed]));
    const c36Late = row(late, "C36").parts.find((x) =>
      x.sources.some((s) => s.startsWith("variants")),
    )!;
    expect(c36Late.verdict).toBe("fails");
    expect(c36Late.figures.join(" ")).toMatch(/V1 \(kafka-poll\).*1 missed/);
  });

  it("reads a connection bench for C19, and the design's per-connection figure moves it", () => {
    const rows = evaluate(undefined, readEvidence([connectionBench(20_000)]));
    const c19 = part(rows, "C19", "measured");
    expect(c19.verdict).toBe("fails");
    expect(c19.figures.join(" ")).toMatch(/20,000 B per connection.*100 GB at 5,000,000/);
    const roomier = evaluate(
      (i) => {
        i.design.memoryBytesPerConnection = 32 * 1024;
      },
      readEvidence([connectionBench(20_000)]),
    );
    expect(part(roomier, "C19", "measured").verdict).toBe("holds");
    expect(part(evaluate(), "C19", "measured").verdict).toBe("not-measured");
    expect(() => readEvidence([connectionBench(1), connectionBench(2)])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
  });

  it("refuses a file of another kind, and a second delta bench", () => {
    expect(() => readEvidence([{ path: "x.json", text: '{"kind":"other"}' }])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([{ path: "x.json", text: "not json" }])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([deltaBench(65), deltaBench(66)])).toThrow(
      expect.objectContaining({ code: "CLAIMS_FILE_INVALID" }),
    );
    expect(() => readEvidence([{ path: "d.json", text: '{"synthetic":[],"targets":[]}' }])).toThrow(
      expect.objectContaining({ code: "DELTA_BENCH_INVALID" }),
    );
  });

  it("gives the input assumptions a sensitivity line at half and double", () => {
    const rows = evaluate();
    for (const id of ["C15", "C23", "C26"]) {
      expect(row(rows, id).verdict).toBe("unverifiable");
      expect(row(rows, id).sensitivity.join("\n")).toMatch(/x0\.5|1\.5:1|1\.25 devices|5 versions/);
    }
  });
});
