// `syncbench compare-variants [scenario] [--quick] [--duration D] [--edits N] [--file-mib M]
// [--variants V0,V1,V2] [--users N] [--seed S] [--out variants.json] [--json]`: the same edit
// workload on the running stack under each of the design's variants (reference-impl/core/
// variants.ts), printed beside the design's figures with the cost model's monthly cost.
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { variantNames, variants, type VariantName } from "../../reference-impl/core/variants.ts";
import { stated } from "../../reference-impl/core/design-figures.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { stackToken } from "../../reference-impl/stack/stack-access.ts";
import { checkVariantsComparison } from "../../formats/variants.schema.ts";
import { estimateCost, type CostEstimate } from "../../reports/cost/cost-model.ts";
import { variantsTableLines } from "../../reports/variants/variants-table.ts";
import { loadScenario } from "../../scenarios/library/index.ts";
import { compareLimits, runVariant } from "../../scenarios/variants/compare-variants.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

const mib = 1024 * 1024;
const presets = { quick: { edits: 5, fileMiB: 8 }, full: { edits: 20, fileMiB: 32 } } as const;
/** --duration D gives one edit per this many seconds of each variant's run. */
const secondsPerEdit = 5;
const defaultUsers = stated.C29.usersCount.toLocaleString("en-US");

function intFlag(name: string, raw: string | undefined, min: number, max: number) {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function variantList(raw: string | undefined): VariantName[] {
  if (raw === undefined) return [...variantNames];
  const names = raw.split(",").map((s) => s.trim());
  const bad = names.filter((n) => !(variantNames as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new UsageError(
      `--variants takes a comma list of ${variantNames.join(", ")}, got "${raw}"`,
    );
  }
  return [...new Set(names)] as VariantName[];
}

export const command: Command = {
  summary: "the same edit workload under the design's variants V0/V1/V2 on the stack, side by side",
  help: `usage: syncbench compare-variants [SCENARIO] [--quick] [--duration D] [--edits N]
       [--file-mib M] [--variants V0,V1,V2] [--users N] [--seed S] [--out variants.json] [--json]

Runs one edit workload on the running stack under each variant of the design, each a set of
flags of the same services (reference-impl/core/variants.ts):
  V0  upload whole-file, notify poll (MetadataDB listing every 5 s), CDN off
  V1  upload block (changed blocks whole), notify kafka-poll (the Kafka-fed log every 5 s), CDN off
  V2  upload delta, notify push (WebSocket), CDN on
Every variant's uploads are paced in the client to its link speed (100 Mbps, the design's
assumption), so upload times are measured, not scaled. Per variant a fresh user edits one file
(SCENARIO's edit size, default delta-edit-storm's 100 B, in place at seeded offsets) while a
second device watches and downloads each new version. Prints bytes uploaded and requests per
edit, upload and notification delay p50/p99, the download, and the cost model's monthly cost,
beside the design's figures (C31, C34, C35, C36). p99 of a few samples is their maximum: n says
how many.

  --quick          ${presets.quick.edits} edits of a ${presets.quick.fileMiB} MiB file per variant
                   (default ${presets.full.edits} edits of ${presets.full.fileMiB} MiB)
  --duration D     about D seconds per variant: one edit per ${secondsPerEdit} s
  --edits N        edits per variant (${compareLimits.editsMin}..${compareLimits.editsMax})
  --file-mib M     the edited file's size (1..${compareLimits.fileBytesMax / mib})
  --variants L     which variants, in order (default V0,V1,V2)
  --users N        users the monthly cost is for (default ${defaultUsers}, C29's scale)
  --out FILE       write variants.json ("syncbench.variants"), which \`syncbench claims\` reads
  --json           the file's content on stdout

Takes about a minute per variant with --quick on a shared 2-core machine.
exit codes: 0 done; 1 a request failed; 2 usage error; 3 no stack running.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      quick: { type: "boolean" },
      duration: { type: "string" },
      edits: { type: "string" },
      "file-mib": { type: "string" },
      variants: { type: "string" },
      users: { type: "string" },
      seed: { type: "string" },
      out: { type: "string", short: "o" },
    });
    if (positionals.length > 1) throw new UsageError("expected at most one SCENARIO");
    const scenario = loadScenario(positionals[0] ?? "delta-edit-storm");
    if (!scenario.deltaUpload) {
      throw new UsageError(
        `scenario "${scenario.name}" has no deltaUpload section: compare-variants replays its ` +
          "edits (try delta-edit-storm)",
      );
    }
    const preset = values.quick ? presets.quick : presets.full;
    const durationS = intFlag("duration", values.duration, secondsPerEdit, 3_600);
    const editsCount =
      intFlag("edits", values.edits, compareLimits.editsMin, compareLimits.editsMax) ??
      (durationS === undefined ? preset.edits : Math.floor(durationS / secondsPerEdit));
    const fileMiB =
      intFlag("file-mib", values["file-mib"], 1, compareLimits.fileBytesMax / mib) ??
      preset.fileMiB;
    const users = intFlag("users", values.users, 1, 10_000_000_000) ?? stated.C29.usersCount;
    const seed = intFlag("seed", values.seed, 0, 0xffffffff) ?? scenario.seed;
    const chosen = variantList(values.variants);
    const editBytes = scenario.deltaUpload.editBytesMax;
    const fileBytes = fileMiB * mib;
    if (editBytes > fileBytes) {
      throw new UsageError(`the edit (${editBytes} B) is larger than the file (${fileBytes} B)`);
    }

    const provider = await providerFor(ctx);
    const { gatewayUrl } = await provider.endpointsWithSecrets();
    const runId = randomBytes(4).toString("hex");
    const startedAt = new Date().toISOString();
    const log = (line: string) => ctx.err(line);
    log(
      `compare-variants ${scenario.name}: ${chosen.join(", ")}, ${editsCount} edits of ` +
        `${editBytes} B in ${fileMiB} MiB, seed ${seed}, run ${runId}`,
    );
    const runs = [];
    for (const name of chosen) {
      log(`${name}: running`);
      runs.push(
        await runVariant(variants[name], {
          gatewayUrl,
          tokenFor: (user) => stackToken(provider, { user, ttlS: 3600, nowMs: Date.now() }).token,
          editsCount,
          fileBytes,
          editBytes,
          seed,
          runId,
          log,
        }),
      );
    }
    const file = checkVariantsComparison(
      {
        kind: "syncbench.variants",
        schemaVersion: 1,
        scenario: scenario.name,
        seed,
        quick: values.quick === true,
        fileBytes,
        editBytes,
        startedAt,
        loadavg: loadavg(),
        runs,
        notes: [
          "uploads paced in the client to each variant's linkMbps; downloads are not paced",
          "notification delay runs from the editor's commit answer to the watcher applying it",
          "the GC grace flag is the stack's (SYNCBENCH_GC_GRACE_HOURS at up): no block " +
            "reaches it within a run, so the running stack's value stands for every variant",
        ],
      },
      "compare-variants",
    );
    if (values.out)
      writeFileSync(resolve(ctx.cwd, values.out), `${JSON.stringify(file, null, 1)}\n`);
    if (values.json) {
      ctx.out(JSON.stringify(file));
      return exitCodes.ok;
    }
    const costs = new Map<string, CostEstimate>(
      chosen.map((name) => [name, estimateCost(name, users)]),
    );
    for (const line of variantsTableLines(file, costs)) ctx.out(line);
    return exitCodes.ok;
  },
};
