// `npm run fuzz:delta [-- --iterations N --seed S]`: at least 1M mutated block deltas through the
// decoder (fuzz/mutate.ts). Exits 1 with the seed, iteration and delta bytes on the first crash,
// hang-free by construction (every iteration is bounded by its 16 KiB target limit).
import { parseArgs } from "node:util";
import { runFuzz } from "./mutate.ts";

const { values } = parseArgs({
  options: {
    iterations: { type: "string", default: "1000000" },
    seed: { type: "string", default: "20240904" },
  },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const sliceCount = 20;
// Slice s runs on seed + s, and the PRNG takes seeds in 0..2^32-1.
const seedMax = 0xffffffff - sliceCount;
if (!Number.isInteger(seed) || seed < 0 || seed > seedMax) {
  console.error(
    `fuzz:delta: --seed must be an integer in 0..${seedMax}, got ${values.seed}; ` +
      "nothing was run",
  );
  process.exit(2);
}
const perSlice = Math.ceil(iterations / sliceCount);
const totals: Record<string, number> = {};
let accepted = 0;
let done = 0;
const startMs = performance.now();
for (let s = 0; s < sliceCount && done < iterations; s++) {
  const count = Math.min(perSlice, iterations - done);
  const report = runFuzz(seed + s, count);
  accepted += report.accepted;
  for (const [code, n] of Object.entries(report.rejectedByCode))
    totals[code] = (totals[code] ?? 0) + n;
  done += count;
  process.stdout.write(`fuzz:delta ${done}/${iterations} mutated deltas, no crash\n`);
}
const seconds = ((performance.now() - startMs) / 1000).toFixed(1);
console.log(`fuzz:delta seed=${seed} iterations=${done} accepted=${accepted} ${seconds}s`);
console.log(`rejected by code: ${JSON.stringify(totals)}`);
