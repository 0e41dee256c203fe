// simulate checks what it is given before it simulates anything: an --out path that cannot be
// written and a calibration file that does not match its schema are usage errors (exit 2) raised
// before the seed line, which is printed just before the run starts. And the plan it writes with
// --out is a plan file that `cost --plan` reads and prices at the plan's counts.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlanFile } from "../../formats/plan.schema.ts";
import type { CliContext } from "../context.ts";
import { exitCodeFor } from "../main.ts";
import { command as cost } from "./cost.ts";
import { command as simulate } from "./simulate.ts";

const dir = mkdtempSync(join(tmpdir(), "syncbench-simulate-"));

function context() {
  const out: string[] = [],
    err: string[] = [];
  const id = (t: string) => t;
  const ctx: CliContext = {
    env: {},
    cwd: dir,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    color: { green: id, red: id, yellow: id, dim: id, bold: id },
  };
  return { ctx, out, err };
}

async function failure(args: string[]) {
  const { ctx, out, err } = context();
  const error = await simulate.run(args, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return { error: error as Error & { code: string }, lines: [...out, ...err] };
}

describe("simulate: inputs checked before the run", () => {
  it.each([
    ["a missing folder", join(dir, "no-such-folder", "p.json"), /folder .*no-such-folder: ENOENT/],
    ["a folder", dir, /it is a folder/],
  ])("--out to %s is exit 2 before the seed line", async (_what, out, reason) => {
    for (const args of [
      ["design-peak", "--duration-s", "3600", "--out", out],
      ["plan", "--users", "7000000", "--devices-per-user", "2.5", "--out", out],
    ]) {
      const { error, lines } = await failure(args);
      expect(exitCodeFor(error)).toBe(2);
      expect(error.message).toMatch(reason);
      expect(error.message).toMatch(/nothing was run/);
      expect(lines.filter((l) => l.startsWith("seed="))).toEqual([]);
    }
  });

  it.each([
    [
      "a misspelt part name",
      { chunkServce: { spec: { kind: "exponential", meanS: 0.01 } } },
      /parts\.chunkServce: unknown part "chunkServce"/,
    ],
    [
      "a negative mean",
      { "s3.read": { spec: { kind: "exponential", meanS: -1 } } },
      /parts\.s3\.read\.spec\.meanS: Too small/,
    ],
    [
      "a mixing probability of 2",
      { "s3.read": { spec: { kind: "hyperexponential", p: 2, mean1S: 1, mean2S: 2 } } },
      /parts\.s3\.read\.spec\.p: Too big/,
    ],
  ])("a calibration with %s is exit 2 naming the field", async (_what, parts, field) => {
    const fitted = Object.fromEntries(
      Object.entries(parts).map(([k, v]) => [
        k,
        { ...v, method: "lognormal-percentiles", p50ErrorPct: 0, p99ErrorPct: 0, samples: 1 },
      ]),
    );
    const file = join(dir, "calibration.json");
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        kind: "syncbench.calibration",
        source: { file: "x.json", scenario: "smoke" },
        parts: fitted,
        operations: [],
      }),
    );
    const { error, lines } = await failure(["design-peak", "--calibration", file]);
    expect(error.code).toBe("SIM_CALIBRATION_INVALID");
    expect(exitCodeFor(error)).toBe(2);
    expect(error.message).toMatch(field);
    expect(lines.filter((l) => l.startsWith("seed="))).toEqual([]);
  });
});

describe("simulate plan --out feeds cost --plan", () => {
  it("writes a plan file whose counts cost prices", async () => {
    const { ctx, out } = context();
    const args = ["plan", "--users", "7000000", "--devices-per-user", "2.5", "--out", "plan.json"];
    const code = await simulate.run(
      [...args, "--duration-s", "3", "--warmup-s", "1", "--replications", "2"],
      ctx,
    );
    expect(code).toBe(0);
    const plan = parsePlanFile(readFileSync(join(dir, "plan.json"), "utf8"));
    expect(plan.users).toBe(7_000_000);
    expect(plan.counts.kafkaBrokers).toBe(3);
    expect(out.some((l) => l.startsWith("monthly cost, V2"))).toBe(true);
    const priced = context();
    expect(await cost.run(["--plan", "plan.json", "--json"], priced.ctx)).toBe(0);
    const estimate = JSON.parse(priced.out[0]!) as { capacity: Record<string, number> };
    expect(estimate.capacity.chunkService).toBe(plan.counts.chunkService);
    expect(estimate.capacity.kafkaBrokers).toBe(3);
  }, 60_000);
});
