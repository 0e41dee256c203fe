// `npm run bench:cli-start`: how long the syncbench CLI takes to start, against issue 21's target
// of 150 ms for `syncbench --help` and for `syncbench delta apply` of a small file. Each case is a
// fresh process (the pinned Node, as `npx syncbench` runs it), timed from spawn to exit; the
// stages beside it say where the time goes: Node alone, Node + the tsx loader, then the CLI.
// Prints the median and the 90th percentile of --runs runs (default 15) per case; exit 4 when a
// target case's median misses 150 ms (timing is noisy on a shared machine: rerun before judging).
// usage: npm run bench:cli-start -- [--runs N] [--bin path/to/bin/syncbench.mjs]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeFileDelta } from "../../reference-impl/client/file-delta.ts";

const startMsTarget = 150;
const { values } = parseArgs({
  options: { runs: { type: "string", default: "15" }, bin: { type: "string" } },
});
const runCount = Number(values.runs);
if (!Number.isInteger(runCount) || runCount < 1 || runCount > 1000) {
  process.stderr.write(`--runs must be an integer in 1..1000, got ${values.runs} (exit 2)\n`);
  process.exit(2);
}

// --bin another checkout's bin/syncbench.mjs compares two trees on the same machine state.
const bin = values.bin ?? fileURLToPath(new URL("../../bin/syncbench.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "syncbench-cli-start-"));
writeFileSync(join(dir, "old"), "the old file, a few bytes\n".repeat(40));
writeFileSync(join(dir, "new"), "the new file, a few bytes\n".repeat(40));
await encodeFileDelta({
  oldPath: join(dir, "old"),
  newPath: join(dir, "new"),
  outPath: join(dir, "d"),
});

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly target: boolean;
}

const cases: Case[] = [
  { name: "node -e 0 (floor)", args: ["-e", "0"], target: false },
  { name: "node + tsx register", args: ["--import", "tsx/esm", "-e", "0"], target: false },
  { name: "syncbench --version", args: [bin, "--version"], target: false },
  { name: "syncbench --help", args: [bin, "--help"], target: true },
  { name: "syncbench delta --help", args: [bin, "delta", "--help"], target: false },
  {
    name: "syncbench delta apply (1 KB)",
    args: [
      bin,
      "delta",
      "apply",
      join(dir, "old"),
      join(dir, "d"),
      "-o",
      join(dir, "out"), // removed before each run: older trees have no --force
    ],
    target: true,
  },
];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

let missed = false;
console.log(`runs per case: ${runCount}; node ${process.version}`);
for (const c of cases) {
  const ms: number[] = [];
  for (let i = 0; i < runCount; i++) {
    rmSync(join(dir, "out"), { force: true });
    const start = performance.now();
    const res = spawnSync(process.execPath, c.args, { stdio: "ignore", timeout: 30_000 });
    ms.push(performance.now() - start);
    if (res.status !== 0) throw new Error(`${c.name} exited ${res.status}`);
  }
  ms.sort((a, b) => a - b);
  const median = quantile(ms, 0.5);
  const verdict = c.target ? (median <= startMsTarget ? "  ok" : "  MISSED") : "";
  if (c.target && median > startMsTarget) missed = true;
  console.log(
    `${c.name.padEnd(32)} median ${median.toFixed(0).padStart(5)} ms  p90 ` +
      `${quantile(ms, 0.9).toFixed(0).padStart(5)} ms` +
      (c.target ? `  (target <= ${startMsTarget} ms)${verdict}` : ""),
  );
}
rmSync(dir, { recursive: true, force: true });
process.exitCode = missed ? 4 : 0;
