// After a transient outage the delta driver carries on: a fake target fails the first N uploads
// with 503 (as a stack whose S3 server is down), then serves. The files that failed are held back
// for a backoff (a manual timer, so no test time passes) and their same edit goes again with the
// same uploadId; nothing is retired, no edit runs out, and every file's versions stay a chain.
// A non-transient failure (409) still retires its file.
import { describe, expect, it } from "vitest";
import { overloadLimits } from "../../reference-impl/core/limits.ts";
import { stepsWith } from "../operations/operations.ts";
import type { OperationPlan } from "../operations/routes.ts";
import {
  DeltaChains,
  isTransientFailure,
  transientRetry,
  type DeltaChain,
  type RetryTimer,
} from "./delta-chains.ts";
import type { DeltaTargets } from "./delta-targets.ts";

/** Timers that fire only when the test says so, in due order. */
class ManualTimer implements RetryTimer {
  nowMs = 0;
  private pending: { atMs: number; run: () => void; cancelled: boolean }[] = [];
  after(ms: number, run: () => void) {
    const entry = { atMs: this.nowMs + ms, run, cancelled: false };
    this.pending.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }
  get waiting(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
  /** Fires everything due up to `nowMs + ms`, in due order. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.pending
      .filter((p) => p.atMs <= this.nowMs && !p.cancelled)
      .sort((a, b) => a.atMs - b.atMs);
    this.pending = this.pending.filter((p) => !due.includes(p));
    for (const p of due) p.run();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function chainsOf(filesCount: number, editsCount: number): DeltaChain[] {
  return Array.from({ length: filesCount }, (_, f) => ({
    userId: 1,
    fileIndex: f,
    path: `/f${f}`,
    edits: Array.from({ length: editsCount }, (_, k) => ({
      hash: `f${f}v${k + 1}`,
      baseHash: `f${f}v${k}`,
      delta: new Uint8Array(1),
      baseVersion: k + 1,
    })),
  }));
}

interface Commit {
  path: string;
  baseVersion: number;
  uploadId: string;
}

/** A target that answers 503 to the first `failuresCount` uploads, then commits each in order. */
function fakeTarget(failuresCount: number, failCode = "HTTP_503") {
  const versions = new Map<string, number>();
  const attempts: Array<Commit & { outcome: "failed" | "ok" }> = [];
  let failuresLeft = failuresCount;
  let issuedCount = 0;
  const send = (plan: OperationPlan) => {
    expect(plan.failWith).toBeUndefined();
    // Each upload-init issues a fresh uploadId; the commit's body is built from that answer.
    const answer = Buffer.from(JSON.stringify({ uploadId: `issued-${issuedCount++}` }));
    const commit = JSON.parse(Buffer.from(plan.steps[2]!.bodyFrom!(answer)).toString()) as Commit;
    if (failuresLeft > 0) {
      failuresLeft--;
      attempts.push({ ...commit, outcome: "failed" });
      queueMicrotask(() => plan.settle!("failed", failCode));
      return;
    }
    expect(commit.baseVersion).toBe((versions.get(commit.path) ?? 0) + 1);
    versions.set(commit.path, commit.baseVersion);
    attempts.push({ ...commit, outcome: "ok" });
    queueMicrotask(() => plan.settle!("ok"));
  };
  return { send, versions, attempts };
}

describe("delta uploads after a transient outage", () => {
  it("retries the files that failed once the backoff ends, and runs every edit", async () => {
    const timer = new ManualTimer();
    const filesCount = 4,
      editsCount = 10,
      failuresCount = 6;
    let draw = 0;
    const targets = {
      next: () => ({ userIndex: 0, fileIndex: draw++ % filesCount }),
    } as unknown as DeltaTargets;
    const chains = new DeltaChains(
      chainsOf(filesCount, editsCount),
      stepsWith(() => "t"),
      targets,
      timer,
    );
    const target = fakeTarget(failuresCount);
    const plans: OperationPlan[] = [];
    for (let k = 0; k < filesCount * editsCount; k++) {
      const plan = chains.nextPlan();
      plans.push(plan);
      if (plan.deferUntil) plan.deferUntil(() => target.send(plan));
      else target.send(plan);
      await flush();
      // The stack recovers while the load goes on: backoffs end as time passes.
      timer.advance(100);
      await flush();
    }
    for (let i = 0; i < 100 && timer.waiting > 0; i++) {
      timer.advance(transientRetry.delayMsMax);
      await flush();
    }
    expect(plans.filter((p) => p.failWith !== undefined).map((p) => p.failWith)).toEqual([]);
    expect(chains.retiredCount).toBe(0);
    expect(chains.exhaustedCount).toBe(0);
    expect(chains.transientFailureCount).toBe(failuresCount);
    // Every upload after the outage committed (each file's versions in order, checked as sent):
    // the arrivals less the failed ones, none lost to a retired file.
    const committed = [...target.versions.values()].reduce((a, b) => a + b, 0);
    expect(committed).toBe(filesCount * editsCount - failuresCount);
    expect(target.attempts.filter((a) => a.outcome === "ok")).toHaveLength(committed);
    // A failed edit went again with its uploadId: a commit that landed unanswered is replayed.
    for (const failed of target.attempts.filter((a) => a.outcome === "failed")) {
      const retry = target.attempts.find(
        (a) => a.outcome === "ok" && a.path === failed.path && a.baseVersion === failed.baseVersion,
      );
      expect(retry?.uploadId).toBe(failed.uploadId);
    }
    chains.close();
  });

  it("backs off 250 ms doubling: nothing is sent for a held-back file before its backoff ends", async () => {
    const timer = new ManualTimer();
    const targets = { next: () => ({ userIndex: 0, fileIndex: 0 }) } as unknown as DeltaTargets;
    const chains = new DeltaChains(
      chainsOf(1, 5),
      stepsWith(() => "t"),
      targets,
      timer,
    );
    const target = fakeTarget(2, "HTTP_502"); // a 503 or 429 waits the service's Retry-After
    const first = chains.nextPlan();
    target.send(first);
    await flush();
    const second = chains.nextPlan(); // the file is held back: this edit waits behind it
    let secondSent = false;
    second.deferUntil!(() => {
      secondSent = true;
      target.send(second);
    });
    timer.advance(transientRetry.delayMsMin - 1);
    await flush();
    expect(secondSent).toBe(false);
    timer.advance(1);
    await flush();
    expect(secondSent).toBe(true); // the retry, which fails again: now 500 ms
    const third = chains.nextPlan();
    let thirdSent = false;
    third.deferUntil!(() => {
      thirdSent = true;
      target.send(third);
    });
    await flush();
    timer.advance(2 * transientRetry.delayMsMin - 1);
    await flush();
    expect(thirdSent).toBe(false);
    timer.advance(1);
    await flush();
    expect(thirdSent).toBe(true);
    expect(target.versions.get("/f0")).toBe(1);
    chains.close();
  });

  it("retires a file on a non-transient failure, as before", async () => {
    const timer = new ManualTimer();
    const targets = { next: () => ({ userIndex: 0, fileIndex: 0 }) } as unknown as DeltaTargets;
    const chains = new DeltaChains(
      chainsOf(1, 5),
      stepsWith(() => "t"),
      targets,
      timer,
    );
    const target = fakeTarget(1, "HTTP_409");
    target.send(chains.nextPlan());
    await flush();
    expect(chains.retiredCount).toBe(1);
    expect(chains.nextPlan().failWith).toBe("DELTA_EDITS_EXHAUSTED");
    expect(timer.waiting).toBe(0);
  });

  it("waits at least the Retry-After the ChunkService sends before retrying a 503 or 429", async () => {
    for (const code of ["HTTP_503", "HTTP_429"]) {
      const timer = new ManualTimer();
      const targets = { next: () => ({ userIndex: 0, fileIndex: 0 }) } as unknown as DeltaTargets;
      const chains = new DeltaChains(
        chainsOf(1, 5),
        stepsWith(() => "t"),
        targets,
        timer,
      );
      const target = fakeTarget(1, code);
      target.send(chains.nextPlan());
      await flush();
      const second = chains.nextPlan();
      let sent = false;
      second.deferUntil!(() => {
        sent = true;
        target.send(second);
      });
      timer.advance(overloadLimits.retryAfterS * 1000 - 1);
      await flush();
      expect(sent, code).toBe(false);
      timer.advance(1);
      await flush();
      expect(sent, code).toBe(true);
    }
  });

  it("classifies 5xx, 429, refused and reset connections and timeouts as transient, other 4xx as not", () => {
    for (const code of [
      "HTTP_500",
      "HTTP_502",
      "HTTP_503",
      "HTTP_429",
      "ECONNREFUSED",
      "ECONNRESET",
      "UND_ERR_SOCKET",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_CONNECT_TIMEOUT",
    ]) {
      expect(isTransientFailure(code), code).toBe(true);
    }
    for (const code of ["HTTP_400", "HTTP_409", "HTTP_413", "DELTA_FILE_RETIRED", undefined]) {
      expect(isTransientFailure(code), String(code)).toBe(false);
    }
  });
});
