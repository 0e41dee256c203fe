// `syncbench clean [--data] [--logs] [--results] [--cache] [--reports] [--all] [--dry-run]`: shows
// what the stack's folders hold and removes the parts chosen (reference-impl/stack/stack-clean.ts).
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import {
  clean,
  cleanParts,
  cleanTargets,
  formatBytes,
  sizeOf,
  type CleanOutcome,
  type CleanPart,
} from "../../reference-impl/stack/stack-clean.ts";
import { loadStackConfig, repoRoot } from "../../reference-impl/stack/stack-config.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import type { CliContext } from "../context.ts";
import { providerFor } from "../stack-cli.ts";

/** Names of the stack's processes that still run (their PIDs are recorded and alive). */
export async function runningProcesses(ctx: CliContext): Promise<string[]> {
  const provider = await providerFor(ctx);
  if (provider.name !== "native") return [];
  const status = await provider.status();
  return status.services.filter((s) => s.pid !== undefined).map((s) => s.name);
}

export function outcomeLine(o: CleanOutcome): string {
  const size = o.action === "absent" ? "" : ` (${formatBytes(o.bytes)})`;
  return `  ${o.action.padEnd(12)} ${o.part.padEnd(8)} ${o.path}${size}${o.note ? `: ${o.note}` : ""}`;
}

export const command: Command = {
  summary: "show what the stack's folders hold; remove data, logs, results, cache or reports",
  help: `usage: syncbench clean [--data] [--logs] [--results] [--cache] [--reports] [--all]
                       [--dry-run] [--json]

With no part named, lists each part with its size and removes nothing. Parts:
  --data      .syncbench/data: databases, buckets, topics and the stack's secrets (the next \`up\`
              starts empty, with new secrets); refused while the stack runs
  --logs      .syncbench/logs; refused while the stack runs
  --results   .syncbench/results: results files of \`run\`
  --cache     .syncbench/cache: installs (the next \`up\` installs again, minutes); a cache that
              SYNCBENCH_CACHE_DIR puts outside the stack's folder is shared and is kept
  --reports   reports/out: validate's run folders
  --all       every part above
  --dry-run   say what would be removed, remove nothing
\`syncbench down --purge\` stops the stack, then removes its data and logs.
Exit codes: 0 done, 2 usage or the stack still runs (nothing removed).`,
  async run(args, ctx) {
    const options = Object.fromEntries(cleanParts.map((p) => [p, { type: "boolean" as const }]));
    const { values } = parseFlags(
      args,
      { ...commonOptions, ...options, all: { type: "boolean" }, "dry-run": { type: "boolean" } },
      false,
    );
    const v = values as Record<string, boolean | undefined>;
    const parts: CleanPart[] = v.all ? [...cleanParts] : cleanParts.filter((p) => v[p] === true);
    const config = loadStackConfig(ctx.env).native;
    const targets = cleanTargets(config.rootDir, config.cacheDir, repoRoot);
    if (parts.length === 0) {
      if (v["dry-run"]) throw new UsageError("--dry-run needs a part: --data, --logs, … or --all");
      const rows = targets.map((t) => ({ ...t, bytes: sizeOf(t.path) }));
      if (values.json) ctx.out(JSON.stringify({ parts: rows }));
      else {
        for (const r of rows)
          ctx.out(
            `  ${r.part.padEnd(8)} ${formatBytes(r.bytes).padStart(10)}  ${r.path}  (${r.what})`,
          );
        ctx.out("remove with: npx syncbench clean --<part> [--dry-run], or --all");
      }
      return exitCodes.ok;
    }
    const outcomes = clean(targets, {
      parts,
      dryRun: v["dry-run"] === true,
      running: parts.some((p) => p === "data" || p === "logs") ? await runningProcesses(ctx) : [],
      rootDir: config.rootDir,
    });
    if (values.json) ctx.out(JSON.stringify({ outcomes }));
    else for (const o of outcomes) ctx.out(outcomeLine(o));
    return exitCodes.ok;
  },
};
