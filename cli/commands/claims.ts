// `syncbench claims [FILE...] [--brief] [--json]`: the claims ledger. Reads the evidence files
// given (results.json of `run`, projection.json of `simulate`, bench:delta --json, the edit
// workloads file, compare-variants --out, bench:connection-memory --out), evaluates every claim
// of design/CLAIMS.md (reports/claims/) and prints one row per claim, then each claim's
// recomputation step by step. Parses, calls, prints.
import { readEvidence } from "../../reports/claims/inputs.ts";
import { evaluateClaims, ledgerInputs } from "../../reports/claims/ledger.ts";
import { detailLines, tableLines, verdictCounts } from "../../reports/claims/print.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { readInputFile } from "../read-file.ts";

export const command: Command = {
  summary: "the claims ledger: a computed verdict with its figures for each of C01-C36",
  help: `usage: syncbench claims [FILE...] [--brief] [--json]

Evaluates every claim of design/CLAIMS.md by its method and prints one row per claim (id,
verdict, methods, the claim, the deciding figure, samples), then, unless --brief, each claim's
recomputation step by step with its units, sources, conflicts and sensitivity lines.
Verdicts: holds, fails, inconsistent (the design contradicts itself: the conflict is named),
unverifiable (what evidence would decide it), not-measured (the file that would decide it).
FILE may be, in any order:
  results.json      npx syncbench run <scenario> --out results.json   (C09-C12, C21, C25, C34, C36)
  projection.json   npx syncbench simulate design-peak --out p.json   (C09-C14, C25, C36; and
                    rolling-deploy C18 C22, kafka-lag C30, cdn-hit-rate C13, gc-backlog C28)
  delta.json        npm run -s bench:delta -- --json > delta.json     (C01, C02, C04-C06, C35)
  edits.json        npx syncbench edit-workloads --out edits.json     (C03, C08)
  variants.json     npx syncbench compare-variants --quick --out variants.json  (C21, C34-C36)
  connections.json  npm run -s bench:connection-memory -- --out connections.json     (C19)
With no file, the arithmetic, cost and assumption parts are decided and the rest is not-measured.
--json prints the rows as one JSON document. Exit codes: 0 ok, 2 a file unreadable or invalid.`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      brief: { type: "boolean" },
    });
    const files = positionals.map((path) => ({
      path,
      text: readInputFile(path, ctx.cwd, "evidence file"),
    }));
    const inputs = ledgerInputs(readEvidence(files));
    const rows = evaluateClaims(inputs);
    if (values.json) {
      ctx.out(JSON.stringify({ files: positionals, counts: verdictCounts(rows), claims: rows }));
      return 0;
    }
    for (const line of tableLines(rows)) ctx.out(line);
    if (!values.brief) for (const line of detailLines(rows)) ctx.out(line);
    return 0;
  },
};
