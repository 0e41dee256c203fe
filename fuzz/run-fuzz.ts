// `npm run fuzz [-- --budget N] [--seed S] [--only TEXT] [--no-stack] [--json]`: every boundary for
// N cases (default 2,000 per parser boundary; the stack boundary gets N/4, bounded by the
// gateway's speed), then `syncbench fsck` on the stack it fuzzed. Prints cases and outcomes per
// boundary and each failure fast-check shrank; exit 1 on any failure, 2 on bad flags, 3 when a
// stack boundary was asked for and no stack answers.
import { parseArgs } from "node:util";
import { exitCodes } from "../reference-impl/runtime/exit-codes.ts";
import { createProvider } from "../reference-impl/stack/select-provider.ts";
import { loadStackConfig } from "../reference-impl/stack/stack-config.ts";
import type { Boundary, BoundaryReport, FuzzRun } from "./boundary.ts";
import { httpBoundary } from "./boundaries/http-routes.ts";
import { parserBoundaries } from "./boundaries/parsers.ts";
import { fsckClean } from "./stack-state.ts";

const budgetMax = 10_000_000;

// As bin/syncbench.mjs: the AWS SDK's once-per-process Node 22 notice is not ours to print.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (!text.startsWith("NodeVersionSupportWarning")) emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

function usage(message: string): never {
  process.stderr.write(
    `fuzz: ${message}\nusage: npm run fuzz -- [--budget N] [--seed S] [--only TEXT] [--no-stack] [--json]\n`,
  );
  process.exit(exitCodes.usage);
}

function flags() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      budget: { type: "string" },
      seed: { type: "string" },
      only: { type: "string" },
      "no-stack": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const budget = Number(values.budget ?? 2000);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(budget) || budget < 1 || budget > budgetMax)
    usage(`--budget must be 1..${budgetMax}, got "${values.budget}"`);
  if (!Number.isInteger(seed) || seed < 0)
    usage(`--seed must be a non-negative integer, got "${values.seed}"`);
  return {
    budget,
    seed,
    only: values.only?.toLowerCase(),
    stack: !values["no-stack"],
    json: values.json === true,
  };
}

async function stackOf(env: NodeJS.ProcessEnv): Promise<FuzzRun["stack"]> {
  const provider = await createProvider(loadStackConfig(env), env);
  const status = await provider.status();
  const secrets = provider.secrets();
  if (!status.services.every((s) => s.healthy) || secrets === undefined) {
    const down = status.services
      .filter((s) => !s.healthy)
      .map((s) => `${s.name}: ${s.detail ?? "down"}`);
    process.stderr.write(
      `fuzz: no healthy native stack (${
        secrets === undefined ? "no ChunkService" : down.join("; ")
      }); npx syncbench up, or pass --no-stack\n`,
    );
    process.exit(exitCodes.environmentMissing);
  }
  return { gatewayUrl: status.endpoints.gatewayUrl, jwtSecret: secrets.jwtSecret };
}

function print(r: BoundaryReport): void {
  const outcomes = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  process.stdout.write(
    `${r.failures.length === 0 ? "ok  " : "FAIL"} ${r.boundary.padEnd(40)} ${String(r.cases).padStart(7)} cases  ${outcomes}\n`,
  );
  for (const f of r.failures)
    process.stdout.write(`       ${f.split("\n").slice(0, 6).join("\n       ")}\n`);
}

async function main(): Promise<number> {
  const f = flags();
  const all: Boundary[] = [
    ...parserBoundaries(),
    httpBoundary("parser"),
    ...(f.stack ? [httpBoundary("stack")] : []),
  ];
  const chosen = all.filter((b) => !f.only || b.name.toLowerCase().includes(f.only));
  const stack = chosen.some((b) => b.where === "stack") ? await stackOf(process.env) : undefined;
  process.stdout.write(
    `fuzz: seed=${f.seed} budget=${f.budget} cases per parser boundary (stack: ${Math.ceil(f.budget / 4)})\n`,
  );
  const reports: BoundaryReport[] = [];
  for (const b of chosen) {
    const cases =
      b.where === "stack"
        ? Math.ceil(f.budget / 4)
        : b.name.includes("HTTP")
          ? Math.ceil(f.budget / 2)
          : f.budget;
    const report = await b.run({ cases, seed: f.seed, ...(stack ? { stack } : {}) });
    reports.push(report);
    if (!f.json) print(report);
  }
  const fsck = stack ? await fsckClean(process.env) : undefined;
  if (fsck && !f.json)
    process.stdout.write(
      `${fsck.clean ? "ok  " : "FAIL"} fsck after the stack boundary: ${fsck.summary}\n`,
    );
  if (f.json)
    process.stdout.write(
      `${JSON.stringify({ seed: f.seed, budget: f.budget, reports, fsck }, null, 2)}\n`,
    );
  return reports.every((r) => r.failures.length === 0) && (fsck?.clean ?? true)
    ? exitCodes.ok
    : exitCodes.failure;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(exitCodes.failure);
  },
);
