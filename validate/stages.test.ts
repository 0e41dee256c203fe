// The stages are data: the rates come from the knee file (not assumed), --quick is a subset, and
// every file a stage reads is written by an earlier stage.
import { describe, expect, it } from "vitest";
import type { KneeFile } from "../formats/knee.schema.ts";
import {
  kneeStages,
  measureStages,
  projectStages,
  ratesFromKnee,
  reportStages,
  type Stage,
} from "./stages.ts";

const options = (quick: boolean) => ({ quick, outDir: "/r", seed: 7 });

function allStages(quick: boolean): Stage[] {
  const o = options(quick);
  const rates = ratesFromKnee(undefined);
  const early = [...kneeStages(o), ...measureStages(o, rates), ...projectStages(o)];
  return [
    ...early,
    ...reportStages(
      o,
      early.flatMap((s) => s.evidence),
    ),
  ];
}

describe("validate stages", () => {
  it("runs at 0.8 of the knee the knee stage found, and at half the first step when none held", () => {
    const knee = { kneeRatePerS: 40, limitedBy: "chunk-service-1 near one core", steps: [] };
    expect(ratesFromKnee(knee as unknown as KneeFile).mixRatePerS).toBe(32);
    const none = { kneeRatePerS: null, limitedBy: "x", steps: [{ ratePerS: 10 }] };
    expect(ratesFromKnee(none as unknown as KneeFile)).toMatchObject({ mixRatePerS: 5 });
    expect(ratesFromKnee(undefined).basis).toContain("no knee file");
  });

  it("scales design-peak-25k to the measured rate", () => {
    const [run] = measureStages(options(true), { mixRatePerS: 50, basis: "" });
    const args = run!.command.args;
    expect(args[args.indexOf("--scale") + 1]).toBe(String(50 / 25_000));
    expect(args).toContain("--no-up");
  });

  it("reads only files that an earlier stage writes", () => {
    for (const quick of [true, false]) {
      const written = new Set<string>();
      for (const s of allStages(quick)) {
        for (const need of s.needs) expect(written, `${s.name} needs ${need}`).toContain(need);
        for (const f of [...s.evidence, ...(s.stdoutTo ? [s.stdoutTo] : [])]) written.add(f);
      }
    }
  });

  it("makes --quick a shorter subset, and the gate the last stage", () => {
    const quick = allStages(true).map((s) => s.name);
    const full = allStages(false).map((s) => s.name);
    expect(quick.length).toBeLessThan(full.length);
    for (const name of quick) expect(full).toContain(name);
    expect(full.at(-1)).toBe("gate");
  });
});
