// The fault lab's pure parts: the audit (found, lost and why), recovery from the error rate's
// timeline, the consumer's duplicates and reordering, the fault catalogue's parsing, and the
// verdict and table. The I/O around them runs in chaos-lab.int.test.ts.
import { describe, expect, it } from "vitest";
import { ackKey, auditAcks, type Ack, type Observation } from "./audit.ts";
import { checkEvents } from "./event-order.ts";
import { faultTable, verdictReasons, type FaultResult } from "./fault-table.ts";
import { chaosLimits, faultNames, parseBounded, parseDurationS, parseFaultList } from "./faults.ts";
import { recoveryOf, type Outcome } from "./recovery.ts";

const ack = (path: string, version: number, sha256 = `sha-${path}-${version}`): Ack => ({
  userId: "u1",
  path,
  version,
  sha256,
  sizeBytes: 10,
  ackedAtMs: 0,
});

describe("auditAcks", () => {
  it("finds a version that is listed and hashes to its acknowledgement", () => {
    const a = ack("/a", 1);
    const seen = new Map<string, Observation>([
      [ackKey(a), { listed: true, downloadedSha256: a.sha256 }],
    ]);
    expect(auditAcks([a], seen)).toEqual({ acknowledged: 1, found: 1, lost: 0, losses: [] });
  });

  it("loses a version that is unlisted, undownloadable, different or never audited", () => {
    const [a, b, c, d] = [ack("/a", 1), ack("/b", 2), ack("/c", 3), ack("/d", 4)];
    const seen = new Map<string, Observation>([
      [ackKey(a), { listed: false }],
      [ackKey(b), { listed: true, error: "block: HTTP_404" }],
      [ackKey(c), { listed: true, downloadedSha256: "other" }],
    ]);
    const result = auditAcks([a, b, c, d] as Ack[], seen);
    expect(result).toMatchObject({ acknowledged: 4, found: 0, lost: 4 });
    expect(result.losses.map((l) => l.reason)).toEqual([
      "not-listed",
      "download-failed",
      "content-mismatch",
      "not-listed",
    ]);
    expect(result.losses[1]?.detail).toBe("block: HTTP_404");
  });

  it("counts a replayed acknowledgement once, and loses a version acknowledged with two contents", () => {
    const a = ack("/a", 1);
    const twice = auditAcks(
      [a, { ...a }],
      new Map([[ackKey(a), { listed: true, downloadedSha256: a.sha256 }]]),
    );
    expect(twice).toMatchObject({ acknowledged: 1, found: 1, lost: 0 });
    const split = auditAcks(
      [a, { ...a, sha256: "x" }],
      new Map([[ackKey(a), { listed: true, downloadedSha256: a.sha256 }]]),
    );
    expect(split).toMatchObject({ acknowledged: 1, found: 0, lost: 1 });
  });
});

describe("recoveryOf", () => {
  // One outcome per 100 ms from t=0 to t=20 s; the fault at 5 s; failures from 5 s to `untilMs`.
  const timeline = (untilMs: number, baselineEvery = 0): Outcome[] =>
    Array.from({ length: 200 }, (_, i) => {
      const atMs = i * 100;
      const baselineError = baselineEvery > 0 && i % baselineEvery === 0;
      return { atMs, ok: !(atMs >= 5000 && atMs < untilMs) && !baselineError };
    });

  it("is the start of the first window of the healthy stretch, measured from the fault", () => {
    const r = recoveryOf(timeline(8200), { faultAtMs: 5000, endAtMs: 20_000 });
    expect(r.baselineErrorRate).toBe(0);
    expect(r.recoverySeconds).toBe(4); // the window 8-9 s still failed twice; 9 s on is clean
    expect(r.faultErrorRate).toBeCloseTo(32 / 40);
  });

  it("holds the pre-fault error rate as the level to return to", () => {
    const r = recoveryOf(timeline(7000, 10), { faultAtMs: 5000, endAtMs: 20_000 });
    expect(r.baselineErrorRate).toBeCloseTo(0.1);
    expect(r.recoverySeconds).toBe(2);
  });

  it("is undefined when the stack fails to the end or recovers for too short a stretch", () => {
    expect(
      recoveryOf(timeline(20_000), { faultAtMs: 5000, endAtMs: 20_000 }).recoverySeconds,
    ).toBeUndefined();
    expect(
      recoveryOf(timeline(18_000), { faultAtMs: 5000, endAtMs: 20_000 }).recoverySeconds,
    ).toBeUndefined();
  });
});

describe("checkEvents", () => {
  const e = (eventId: string, filePath: string, version: number, userId = "u1") => ({
    eventId,
    filePath,
    version,
    userId,
  });
  it("counts duplicates by event id, versions going back per file, and acked versions not seen", () => {
    const seen = [
      e("1", "/a", 1),
      e("2", "/a", 2),
      e("1", "/a", 1),
      e("3", "/b", 2),
      e("4", "/b", 1),
    ];
    const acked = [
      { userId: "u1", path: "/a", version: 1 },
      { userId: "u1", path: "/a", version: 3 },
      { userId: "u2", path: "/a", version: 1 }, // not followed
    ];
    expect(checkEvents(seen, acked, new Set(["u1"]))).toEqual({
      events: 4,
      duplicates: 1,
      reordered: 1,
      missing: 1,
    });
  });
});

describe("the fault catalogue and the lab's options", () => {
  it("knows every fault of the issue, and all", () => {
    expect(faultNames).toEqual(
      expect.arrayContaining([
        "kill-chunk-service",
        "restart-postgres",
        "restart-kafka",
        "restart-s3",
        "kill-gc-worker",
        "kill-notification-service",
        "kill-download-service",
      ]),
    );
    expect(parseFaultList("all").map((f) => f.name)).toEqual(faultNames);
    expect(parseFaultList("restart-s3,kill-chunk-service").map((f) => f.target)).toEqual([
      "s3",
      "chunk-service-1",
    ]);
  });

  it("refuses an unknown or repeated fault and out-of-bound options, naming the value", () => {
    expect(() => parseFaultList("kill-everything")).toThrow(/unknown fault "kill-everything"/);
    expect(() => parseFaultList("restart-s3,restart-s3")).toThrow(/named twice/);
    expect(parseDurationS("2m")).toBe(120);
    expect(parseDurationS("45")).toBe(45);
    expect(() => parseDurationS(`${chaosLimits.durationSMin - 1}s`)).toThrow(/got "9s"/);
    expect(() => parseDurationS("1h")).toThrow(/--duration/);
    expect(() => parseBounded("0", "rate", 0.5, 200)).toThrow(/--rate must be a number 0.5..200/);
  });
});

describe("verdict and table", () => {
  const base: Omit<FaultResult, "passed" | "why"> = {
    fault: "restart-s3",
    target: { name: "s3", pid: 42 },
    durationS: 60,
    ratePerS: 4,
    devices: 40,
    acknowledged: 100,
    found: 100,
    lost: 0,
    losses: [],
    errorsByCode: { HTTP_503: 3, STORE_UNAVAILABLE: 7 },
    attempts: 400,
    events: { events: 30, duplicates: 0, reordered: 0, missing: 0 },
    recoverySeconds: 2.5,
    baselineErrorRate: 0,
    healthyAfterS: 0.4,
    ranUp: false,
    fsck: { clean: true, violations: 0 },
  };

  it("passes a clean run and names every reason a run fails", () => {
    expect(verdictReasons(base)).toEqual([]);
    const bad = {
      ...base,
      lost: 2,
      fsck: { clean: false, violations: 1, note: "block-missing" },
      recoverySeconds: undefined,
      events: { ...base.events, duplicates: 1 },
    };
    expect(verdictReasons(bad)).toEqual([
      "2 acknowledged commit(s) lost",
      "fsck: 1 violation(s) block-missing",
      "the error rate did not return to its baseline",
      "1 duplicate event(s)",
    ]);
  });

  it("prints one row per fault with errors by code, most frequent first", () => {
    const [header, , row] = faultTable([{ ...base, passed: true, why: [] }]);
    expect(header).toContain("| fault | acked | found | lost | errors by code |");
    expect(row).toBe(
      "| restart-s3 | 100 | 100 | 0 | STORE_UNAVAILABLE 7, HTTP_503 3 | 0/0/0 of 30 | 2.5 | 0.4 | " +
        "clean | pass |",
    );
  });
});
