// `syncbench edit-workloads [--seed S] [--edits N] [--out FILE] [--json]`: replays the edit
// workloads of reference-impl/core/bench/edit-workloads.ts through the core delta engine and
// prints, per workload, bytes on the wire per edit against bytes changed and the delta as a
// fraction of the block (p10/p50/p90); --out writes the file the claims ledger reads (C03, C08).
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkEditWorkloads } from "../../formats/edit-workloads.schema.ts";
import {
  editWorkloadLimits,
  runEditWorkloads,
} from "../../reference-impl/core/bench/edit-workloads.ts";
import { blockSizeBytes } from "../../reference-impl/core/limits.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";

function integer(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

const q = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export const command: Command = {
  summary: "edit workloads (documents, logs, DB pages, compressed re-saves): delta bytes per edit",
  help: `usage: syncbench edit-workloads [--seed S] [--edits N] [--out edits.json] [--json]

Replays seeded edit sequences (default 20 edits each, seed 42) through the core delta engine:
document text edits, log appends, in-place 8 KiB database page updates, and re-saves of a
deflate-compressed document. Prints per workload the delta bytes per edit against the bytes
changed and block-level sync's whole blocks, and the delta as a fraction of the block.
--out writes edits.json ("syncbench.edit-workloads"), which \`syncbench claims edits.json\`
reads for C03 and C08. Takes about a second per edit per workload on a shared 2-core machine.`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        seed: { type: "string" },
        edits: { type: "string" },
        out: { type: "string", short: "o" },
      },
      false,
    );
    const seed = integer(values.seed, "seed", 42, 0, 2 ** 31 - 1);
    const edits = integer(
      values.edits,
      "edits",
      20,
      editWorkloadLimits.editsMin,
      editWorkloadLimits.editsMax,
    );
    const file = checkEditWorkloads(
      {
        kind: "syncbench.edit-workloads",
        schemaVersion: 1,
        seed,
        blockSizeBytes,
        workloads: runEditWorkloads(seed, edits),
      },
      "of edit-workloads",
    );
    if (values.out)
      writeFileSync(resolve(ctx.cwd, values.out), `${JSON.stringify(file, null, 1)}\n`);
    if (values.json) {
      ctx.out(JSON.stringify(file));
      return 0;
    }
    ctx.out(`seed=${seed} edits=${edits} block=${blockSizeBytes} B`);
    for (const w of file.workloads) {
      const delta = w.samples.map((s) => s.deltaBytes).sort((a, b) => a - b);
      const changed = w.samples.map((s) => s.changedBytes).sort((a, b) => a - b);
      const fraction = w.samples
        .filter((s) => s.changedBlocksCount > 0)
        .map((s) => s.deltaBytes / (s.changedBlocksCount * blockSizeBytes))
        .sort((a, b) => a - b);
      const sum = (k: "deltaBytes" | "wholeBlocksBytes") => w.samples.reduce((t, s) => t + s[k], 0);
      ctx.out(
        `  ${w.name.padEnd(18)} delta B/edit p50 ${q(delta, 0.5)} p90 ${q(delta, 0.9)}; ` +
          `changed B p50 ${q(changed, 0.5)}; delta/block p10 ${(q(fraction, 0.1) * 100).toPrecision(3)} % ` +
          `p50 ${(q(fraction, 0.5) * 100).toPrecision(3)} % p90 ${(q(fraction, 0.9) * 100).toPrecision(3)} %; ` +
          `saves ${((1 - sum("deltaBytes") / sum("wholeBlocksBytes")) * 100).toPrecision(4)} % vs whole blocks`,
      );
    }
    return 0;
  },
};
