// Checks that a prepared chain's deltas rebuild each next version from the previous one (what
// the ChunkService verifies), that delta uploads pick users (and files) by the scenario's Zipf
// skew, seeded, and that plans never hold two uploads of one file in flight: a success advances
// the file's version, an unsent one repeats it, a failure retires the file.
import { describe, expect, it } from "vitest";
import { applyDelta } from "../../reference-impl/core/delta.ts";
import { validateScenario } from "../scenario-validate.ts";
import { baseBlock, buildChain, DeltaChains, editBlock, sha256Hex } from "./delta-chains.ts";
import { defaultPrepareBounds, deltaEditsNeeded, planPrepare } from "./delta-prepare.ts";
import { DeltaTargets, drawnCounts } from "./delta-targets.ts";
import { stepsWith } from "./operations.ts";
import { Random } from "./random.ts";
import { deltaEditStorm } from "../library/delta-edit-storm.ts";

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

  it("keeps one upload in flight per file, redirects to a free file, retires a failed one", () => {
    const edits = [0, 1].map((k) => ({
      hash: `h${k + 1}`,
      baseHash: `h${k}`,
      delta: new Uint8Array(1),
      baseVersion: k + 1,
    }));
    const population = { usersCount: 1, filesPerUserCount: 2, zipfSkew: 0.99, seed: 1 };
    const chains = new DeltaChains(
      [
        { userId: 1, fileIndex: 0, path: "/a", edits },
        { userId: 1, fileIndex: 1, path: "/b", edits },
      ],
      stepsWith(() => "token"),
      new DeltaTargets(population),
    );
    const first = chains.nextPlan();
    const second = chains.nextPlan();
    expect(chains.nextPlan().failWith).toBe("DELTA_USER_FILES_BUSY");
    expect(chains.busyCount).toBe(1);
    const paths = [first, second].map((p) => JSON.parse(Buffer.from(p.steps[0]!.body!).toString()));
    expect(paths.map((p: { path: string }) => p.path).sort()).toEqual(["/a", "/b"]);
    expect(first.steps.map((s) => s.route)).toEqual(["uploadInit", "blockDelta", "uploadFinalize"]);
    expect(first.steps[1]!.path).toBe("/v1/blocks/h1/delta?base=h0");
    first.settle!("ok");
    second.settle!("failed");
    const third = chains.nextPlan();
    expect(third.steps[1]!.path).toBe("/v1/blocks/h2/delta?base=h1");
    expect(JSON.parse(Buffer.from(third.steps[2]!.body!).toString()).baseVersion).toBe(2);
    third.settle!("unsent");
    expect(chains.nextPlan().steps[1]!.path).toBe("/v1/blocks/h2/delta?base=h1");
    expect(chains.retiredCount).toBe(1);
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

  it("never holds two uploads of one file in flight, whatever order uploads end in", () => {
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
    const chains = new DeltaChains(chainsOf, stepsWith(() => "t"), new DeltaTargets(population));
    const inFlight = new Map<string, () => void>();
    const random = new Random(3, "settle-order");
    const versions = new Map<string, number>();
    let sent = 0;
    for (let k = 0; k < 400; k++) {
      const plan = chains.nextPlan();
      if (plan.failWith) expect(plan.failWith).toBe("DELTA_USER_FILES_BUSY");
      else {
        const commit = JSON.parse(Buffer.from(plan.steps[2]!.body!).toString());
        const path = commit.path as string;
        expect(inFlight.has(path)).toBe(false);
        expect(commit.baseVersion).toBe((versions.get(path) ?? 0) + 1);
        inFlight.set(path, () => {
          versions.set(path, commit.baseVersion);
          plan.settle!("ok");
        });
        sent++;
      }
      // End a random number of the uploads in flight, in a seeded random order.
      for (const [path, end] of [...inFlight]) {
        if (random.next() < 0.4) {
          inFlight.delete(path);
          end();
        }
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect(chains.redirectedCount).toBeGreaterThan(0);
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
