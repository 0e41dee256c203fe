// Golden files of the stages' outputs: `calibrate` on the checked-in results files and
// `simulate design-peak --seed 7` run through the CLI entry (cli/main.ts) and must reproduce,
// byte for byte, the calibration.json, projection.json and printed lines that main produced
// before formats/ existed (testdata/golden/, see its README). The printed lines are stdout and
// stderr in the order written; "$OUT/" in them stands for the folder the test writes into.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../cli/main.ts";

const golden = fileURLToPath(new URL("./testdata/golden/", import.meta.url));
const measuredDir = "simulator/calibration/testdata/builtin-2026-11-25";
const quiet = { NO_COLOR: "1" };

let printed: string[] = [];
const writers = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeEach(() => {
  printed = [];
  const capture = ((chunk: string | Uint8Array) =>
    printed.push(String(chunk)) > 0) as typeof writers.out;
  process.stdout.write = capture;
  process.stderr.write = capture;
});

afterEach(() => {
  process.stdout.write = writers.out;
  process.stderr.write = writers.err;
});

const expected = (name: string, out: string) =>
  readFileSync(join(golden, name), "utf8").replaceAll("$OUT/", `${out}/`);

describe("golden outputs through the CLI", () => {
  for (const rate of [200, 1000, 1500, 2000, 2500]) {
    it(`calibrate smoke-${rate}.json gives the same calibration.json and lines`, async () => {
      const out = mkdtempSync(join(tmpdir(), "syncbench-golden-"));
      const file = `calibration-smoke-${rate}.json`;
      const code = await main(
        ["calibrate", `${measuredDir}/smoke-${rate}.json`, "-o", `${out}/${file}`],
        quiet,
      );
      expect(code).toBe(0);
      expect(readFileSync(join(out, file), "utf8")).toBe(expected(file, out));
      expect(printed.join("")).toBe(expected(`calibrate-smoke-${rate}.stdout`, out));
    });
  }

  it("simulate design-peak --seed 7 gives the same projection.json and lines", async () => {
    const out = mkdtempSync(join(tmpdir(), "syncbench-golden-"));
    const file = "projection-design-peak-seed7.json";
    const code = await main(
      ["simulate", "design-peak", "--seed", "7", "--out", `${out}/${file}`],
      quiet,
    );
    expect(code).toBe(4); // two of the design's targets fail in the projection, as before
    expect(readFileSync(join(out, file), "utf8")).toBe(expected(file, out));
    expect(printed.join("")).toBe(expected("simulate.stdout", out));
  }, 300_000);
});
