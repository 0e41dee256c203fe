// Checks that a prepared chain's deltas rebuild each next version from the previous one (what
// the ChunkService verifies), and that plans keep one upload in flight per user: a success
// advances the user's version, an unsent one repeats it, a failure retires the user.
import { describe, expect, it } from "vitest";
import { applyDelta } from "../../reference-impl/core/delta.ts";
import { validateScenario } from "../scenario-validate.ts";
import { baseBlock, buildChain, DeltaChains, editBlock, sha256Hex } from "./delta-chains.ts";
import { deltaEditsNeeded, preparedUsersCount, defaultPrepareBounds } from "./delta-prepare.ts";
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

  it("keeps one upload in flight per user and retires a user after a failure", () => {
    const edits = [0, 1].map((k) => ({
      hash: `h${k + 1}`,
      baseHash: `h${k}`,
      delta: new Uint8Array(1),
      baseVersion: k + 1,
    }));
    const chains = new DeltaChains(
      [
        { userId: 1, path: "/a", edits },
        { userId: 2, path: "/b", edits },
      ],
      stepsWith(() => "token"),
    );
    const first = chains.nextPlan();
    const second = chains.nextPlan();
    expect(chains.nextPlan().failWith).toBe("NO_FREE_PREPARED_USER");
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

  it("sizes the prepare phase from the schedule", () => {
    expect(deltaEditsNeeded(scenario)).toBeGreaterThanOrEqual(200);
    expect(deltaEditsNeeded(scenario)).toBeLessThan(300);
    expect(preparedUsersCount(scenario, defaultPrepareBounds)).toBe(40);
  });
});
