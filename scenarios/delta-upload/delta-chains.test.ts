// Checks that a prepared chain's deltas rebuild each next version from the previous one (what
// the ChunkService verifies), that delta uploads pick users (and files) by the scenario's Zipf
// skew, seeded, and that plans never hold two uploads of one file in flight: a second edit of a
// busy file waits behind it (a deferred plan), a success advances the file's version, a failure
// retires the file and fails the edits waiting on it, a full queue refuses the edit unsent.
import { describe, expect, it } from "vitest";
import { applyDelta } from "../../reference-impl/core/delta.ts";
import { validateScenario } from "../scenario-validate.ts";
import {
  baseBlock,
  buildChain,
  DeltaChains,
  editBlock,
  queuedEditsMax,
  sha256Hex,
} from "./delta-chains.ts";
import { defaultPrepareBounds, deltaEditsNeeded, planPrepare } from "./delta-prepare.ts";
import { DeltaTargets, drawnCounts } from "./delta-targets.ts";
import { stepsWith } from "../operations/operations.ts";
import { Random } from "../operations/random.ts";
import type { OperationPlan, Step } from "../operations/routes.ts";
import { deltaEditStorm } from "../library/delta-edit-storm.ts";

/** The commit a step would send once upload-init issued its uploadId. */
function commitBody(step: Step): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(step.bodyFrom!(Buffer.from('{"uploadId":"issued"}'))).toString(),
  ) as Record<string, unknown>;
}

const scenario = validateScenario({
  ...deltaEditStorm,
  arrival: { kind: "constant-arrival-rate", ratePerS: 20, durationS: 10, spacing: "poisson" },
});

describe("delta chains", () => {
  it("encodes edits whose deltas apply to the previous version and hash to the next", () => {
    const block = baseBlock(scenario.seed, 7);
    const far = performance.now() + 60_000;
    const chain = buildChain({
      scenario,
      userId: 7,
      fileIndex: 0,
      path: "/p",
      block,
      length: 3,
      deadlineMs: far,
    });
    expect(chain.edits).toHaveLength(3);
    let current = block;
    chain.edits.forEach((edit, k) => {
      expect(edit.baseHash).toBe(sha256Hex(current));
      expect(edit.baseVersion).toBe(k + 1);
      expect(edit.delta.length).toBeLessThan(1_000);
      current = applyDelta(current, edit.delta, { expectedSha256: edit.hash });
    });
  });

  it("edits the number of bytes the scenario asks for, seeded", () => {
    const block = new Uint8Array(4096);
    const a = editBlock(block, scenario.deltaUpload, new Random(1, "e"));
    const b = editBlock(block, scenario.deltaUpload, new Random(1, "e"));
    expect(a).toEqual(b);
    const changed = a.reduce((n, x, i) => n + (x !== block[i] ? 1 : 0), 0);
    expect(changed).toBeLessThanOrEqual(100);
    expect(changed).toBeGreaterThan(90);
  });

  it("keeps one upload in flight per file: a second edit waits behind it, fails if the file is retired", async () => {
    const edits = [0, 1, 2].map((k) => ({
      hash: `h${k + 1}`,
      baseHash: `h${k}`,
      delta: new Uint8Array(1),
      baseVersion: k + 1,
    }));
    // Draws in a fixed order: file 0, file 0 again, file 1, file 0.
    const draws = [0, 0, 1, 0, ...new Array<number>(queuedEditsMax + 1).fill(1)];
    const targets = {
      next: () => ({ userIndex: 0, fileIndex: draws.shift()! }),
    } as unknown as DeltaTargets;
    const chains = new DeltaChains(
      [
        { userId: 1, fileIndex: 0, path: "/a", edits },
        { userId: 1, fileIndex: 1, path: "/b", edits },
      ],
      stepsWith(() => "token"),
      targets,
    );
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    const first = chains.nextPlan();
    expect(first.steps[1]!.path).toBe("/v1/blocks/h1/delta?base=h0");
    const second = chains.nextPlan();
    expect(second.steps).toEqual([]);
    let secondStarted = false;
    second.deferUntil!(() => (secondStarted = true));
    const third = chains.nextPlan(); // /b is free: goes at once
    expect(JSON.parse(Buffer.from(third.steps[0]!.body!).toString()).path).toBe("/b");
    await flush();
    expect(secondStarted).toBe(false); // /a's first upload is still in flight
    first.settle!("ok");
    await flush();
    expect(secondStarted).toBe(true);
    expect(second.steps[1]!.path).toBe("/v1/blocks/h2/delta?base=h1");
    expect(commitBody(second.steps[2]!).baseVersion).toBe(2);
    const fourth = chains.nextPlan();
    let fourthStarted = false;
    fourth.deferUntil!(() => (fourthStarted = true));
    second.settle!("failed"); // /a's version is now unknown: retired, its waiter fails unsent
    await flush();
    expect(fourthStarted).toBe(true);
    expect(fourth.failWith).toBe("DELTA_FILE_RETIRED");
    expect(fourth.steps).toEqual([]);
    expect(chains.retiredCount).toBe(1);
    expect(chains.queuedCount).toBe(2);
    // /b is busy with `third`: queuedEditsMax edits wait, the next is refused unsent.
    for (let k = 0; k < queuedEditsMax; k++) expect(chains.nextPlan().deferUntil).toBeDefined();
    expect(chains.nextPlan().failWith).toBe("DELTA_FILE_QUEUE_FULL");
    expect(chains.queueFullCount).toBe(1);
  });

  it("draws users by the Zipf skew: head most edited, ranks in range, seed-stable", () => {
    const population = { usersCount: 64, filesPerUserCount: 1, zipfSkew: 0.99, seed: 100 };
    const counts = drawnCounts(population, 20_000).map((row) => row[0]!);
    expect(counts).toEqual(drawnCounts(population, 20_000).map((row) => row[0]!));
    expect(counts).toHaveLength(64);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    // Rank r is drawn ~(r+1)^-skew as often as rank 0 (ZipfRanks flattens the head a little).
    const ratio = (r: number) => counts[r]! / counts[0]!;
    expect(ratio(1)).toBeGreaterThan(0.45);
    expect(ratio(1)).toBeLessThan(0.75);
    expect(ratio(9)).toBeGreaterThan(0.07);
    expect(ratio(9)).toBeLessThan(0.16);
    const head = counts.slice(0, 8).reduce((a, b) => a + b, 0);
    const tail = counts.slice(56).reduce((a, b) => a + b, 0);
    expect(head).toBeGreaterThan(5 * tail);
    const flat = drawnCounts({ ...population, zipfSkew: 0 }, 20_000).map((row) => row[0]!);
    expect(Math.max(...flat) / Math.min(...flat)).toBeLessThan(1.6);
    const other = drawnCounts({ ...population, seed: 101 }, 20_000).map((row) => row[0]!);
    expect(other).not.toEqual(counts);
  });

  it("never holds two uploads of one file in flight, whatever order uploads end in", async () => {
    const population = { usersCount: 4, filesPerUserCount: 3, zipfSkew: 1.2, seed: 9 };
    const chainsOf = drawnCounts(population, 400).flatMap((row, u) =>
      row.map((n, f) => ({
        userId: u + 1,
        fileIndex: f,
        path: `/u${u + 1}/f${f}`,
        edits: Array.from({ length: n + 4 }, (_, k) => ({
          hash: `u${u}f${f}v${k + 1}`,
          baseHash: `u${u}f${f}v${k}`,
          delta: new Uint8Array(1),
          baseVersion: k + 1,
        })),
      })),
    );
    const chains = new DeltaChains(
      chainsOf,
      stepsWith(() => "t"),
      new DeltaTargets(population),
    );
    const inFlight = new Map<string, () => void>();
    const random = new Random(3, "settle-order");
    const versions = new Map<string, number>();
    let sent = 0;
    const send = (plan: OperationPlan) => {
      const commit = commitBody(plan.steps[2]!);
      const path = commit.path as string;
      expect(inFlight.has(path)).toBe(false);
      expect(commit.baseVersion).toBe((versions.get(path) ?? 0) + 1);
      inFlight.set(path, () => {
        versions.set(path, commit.baseVersion as number);
        plan.settle!("ok");
      });
      sent++;
    };
    for (let k = 0; k < 400; k++) {
      const plan = chains.nextPlan();
      expect(plan.failWith).toBeUndefined();
      if (plan.deferUntil) plan.deferUntil(() => send(plan));
      else send(plan);
      // End a random number of the uploads in flight, in a seeded random order.
      for (const [path, end] of [...inFlight]) {
        if (random.next() < 0.4) {
          inFlight.delete(path);
          end();
        }
      }
      await new Promise((resolve) => setImmediate(resolve)); // waiting edits start
    }
    expect(sent).toBeGreaterThan(300);
    expect(chains.queuedCount).toBeGreaterThan(0);
  });

  it("sizes the prepare phase from the schedule and the skew", () => {
    expect(deltaEditsNeeded(scenario)).toBeGreaterThanOrEqual(200);
    expect(deltaEditsNeeded(scenario)).toBeLessThan(300);
    const plan = planPrepare(scenario, defaultPrepareBounds);
    expect(plan.population.usersCount).toBe(64);
    expect(plan.population.filesPerUserCount).toBeGreaterThanOrEqual(2);
    expect(plan.population.filesPerUserCount).toBeLessThanOrEqual(8);
    const perUser = plan.lengths.map((row) => row.reduce((a, b) => a + b, 0));
    expect(perUser[0]).toBeGreaterThan(perUser[63]!);
    expect(plan.editsCount).toBeGreaterThan(plan.needed);
    expect(plan.editsCount).toBeLessThan(2 * plan.needed);
  });
});
