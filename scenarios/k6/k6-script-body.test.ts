// The exported k6 script carries its own copy of the project's PRNG and Zipf sampler (a k6 script
// imports no project module). This runs the script's helpers, stripped to JavaScript, in a
// sandbox and checks they draw exactly what reference-impl/core/random.ts draws on the same
// stream, so the copy cannot drift from the one generator.
import { runInNewContext } from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { mix32, Rng, ZipfSampler } from "../../reference-impl/core/random.ts";
import { k6ScriptBody } from "./k6-script-body.ts";

interface Helpers {
  rng(seed: number, streamKey: number): () => number;
  random(): () => number;
  zipf(r: () => number, n: number, s: number): number;
}

function scriptHelpers(vu: number, iteration: number, seed: number): Helpers {
  const source = `${k6ScriptBody.functions([])}\nexports.helpers = { rng, random, zipf };`;
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  const sandbox = {
    exports: {} as { helpers?: Helpers },
    exec: { vu: { idInTest: vu }, scenario: { iterationInTest: iteration, startTime: 0 } },
    C: { SEED: seed },
  };
  runInNewContext(js, sandbox);
  return sandbox.exports.helpers!;
}

describe("the k6 script's PRNG and Zipf sampler", () => {
  it("draw the uniforms of the core Rng on the same seed and stream", () => {
    const h = scriptHelpers(1, 0, 0);
    for (const [seed, key] of [
      [0, 0],
      [7, 123],
      [25_000, 0xffffffff],
      [0xffffffff, 42],
    ]) {
      const script = h.rng(seed!, key!);
      const core = new Rng(seed!, key!);
      const a = Array.from({ length: 1000 }, () => script());
      expect(a).toEqual(Array.from({ length: 1000 }, () => core.uniform()));
    }
  });

  it("stream per (VU, iteration) is the core's stream mix32(vu ^ mix32(iteration)) of the seed", () => {
    const r = scriptHelpers(3, 17, 2_023).random();
    const core = new Rng(2_023, mix32(3 ^ mix32(17)));
    expect([r(), r(), r()]).toEqual([core.uniform(), core.uniform(), core.uniform()]);
    const other = scriptHelpers(3, 18, 2_023).random();
    expect(other()).not.toBe(new Rng(2_023, mix32(3 ^ mix32(17))).uniform());
  });

  it("draw the ranks of the core ZipfSampler, 0-based, for s = 0, 0.99, 1 and 1.1", () => {
    const h = scriptHelpers(1, 0, 0);
    for (const [n, s] of [
      [1, 0.99],
      [100, 0],
      [1_000_000, 0.99],
      [64, 1],
      [10_000, 1.1],
    ]) {
      const script = h.rng(9, 1),
        core = new Rng(9, 1);
      const sampler = new ZipfSampler(n!, s!);
      const a = Array.from({ length: 500 }, () => h.zipf(script, n!, s!));
      expect(a).toEqual(Array.from({ length: 500 }, () => sampler.draw(core) - 1));
    }
  });
});
