// `syncbench fsck`: checks the upload path's invariants across Postgres, the S3 server and Kafka
// on the running stack (reference-impl/services/fsck/), lists every violation with its ids, and
// exits 1 when there is one.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import type { FsckReport } from "../../reference-impl/services/fsck/fsck.ts";
import { fsckStack } from "../../reference-impl/services/fsck/main.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { providerFor } from "../stack-cli.ts";

function bounded(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be an integer 1..${max}, got "${value}"`);
  return n;
}

function print(ctx: CliContext, report: FsckReport): void {
  if (report.note !== undefined) {
    ctx.out(report.note);
    return;
  }
  for (const v of report.violations)
    ctx.out(`${ctx.color.red(v.kind.padEnd(18))} ${v.id}  ${v.detail}`);
  const c = report.checked;
  const truncated = report.truncated ? " (TRUNCATED by --blocks-max)" : "";
  ctx.out(
    `${report.violations.length} violation(s); checked ${c.blocks} blocks, ` +
      `${c.referencedBlocks} referenced blocks read back from S3, ${c.storedObjects} stored ` +
      `objects for orphans, ${c.shards} shards' outboxes${truncated}`,
  );
}

export const command: Command = {
  summary:
    "check invariants across Postgres, S3 and Kafka (blocks present and intact, ref counts, " +
    "outbox, GC overdue blocks and orphans)",
  help: `usage: syncbench fsck [--outbox-stale-s S] [--blocks-max N] [--gc-grace-h H] [--gc-sweep-s S]
                     [--json]

Checks on the running stack: every block named by a committed version exists in S3 and hashes to
its key; each ref_count equals the number of committed versions naming the block; no outbox row is
unsent for longer than --outbox-stale-s (default 60); the topic has its 64 partitions; GC: no block
at ref_count 0 is still there one sweep period (--gc-sweep-s, default 3600) after its grace ended,
and no S3 object older than the grace (--gc-grace-h, default 72) lacks its blocks row (an orphan).
--blocks-max (default 100000) bounds the blocks read back; a cut-short check is reported as such.
--json prints {"violations": [...], "checked": {...}, "truncated": bool}.
Exit codes: 0 no violation; 1 at least one; 3 the stack is not reachable.`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        "outbox-stale-s": { type: "string" },
        "blocks-max": { type: "string" },
        "gc-grace-h": { type: "string" },
        "gc-sweep-s": { type: "string" },
      },
      false,
    );
    const staleS = bounded(values["outbox-stale-s"], "outbox-stale-s", 60, 30 * 24 * 3600);
    const blocksMax = bounded(values["blocks-max"], "blocks-max", 100_000, 100_000_000);
    const graceH = bounded(values["gc-grace-h"], "gc-grace-h", 72, 24 * 365);
    const sweepS = bounded(values["gc-sweep-s"], "gc-sweep-s", 3600, 7 * 24 * 3600);
    const endpoints = await (await providerFor(ctx)).endpointsWithSecrets();
    const report = await fsckStack(endpoints, {
      nowMs: Date.now(),
      outboxStaleMs: staleS * 1000,
      blocksMax,
      gcGraceMs: graceH * 3_600_000,
      gcSweepIntervalMs: sweepS * 1000,
    });
    if (values.json) ctx.out(JSON.stringify(report, null, 2));
    else print(ctx, report);
    return report.violations.length === 0 ? exitCodes.ok : exitCodes.failure;
  },
};
