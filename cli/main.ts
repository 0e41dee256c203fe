// The syncbench command line: finds cli/commands/<name>.ts, runs it, and maps errors to the exit
// codes of reference-impl/runtime/exit-codes.ts (and, with --json, to a JSON error document on
// stdout). Commands with subcommands (delta encode, k6 run) parse the rest of their arguments.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { exitCodes } from "../reference-impl/runtime/exit-codes.ts";
import { syncbenchVersion } from "../reference-impl/runtime/version.ts";
import { UsageError, type Command } from "./command.ts";
import { commandSummaries } from "./command-summaries.ts";
import { makeContext, type CliContext } from "./context.ts";

const commandsDir = fileURLToPath(new URL("./commands/", import.meta.url));

export function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  const module = (await import(`./commands/${name}.ts`)) as { command: Command };
  return module.command;
}

async function printHelp(ctx: CliContext): Promise<void> {
  ctx.out(
    "syncbench: does this delta-sync architecture's latency, bandwidth, capacity and cost claims hold?",
  );
  ctx.out("");
  ctx.out("usage: syncbench <command> [options]     (syncbench <command> --help for details)");
  ctx.out("");
  for (const name of commandNames()) {
    // The table spares importing every command module; a command not in it yet is imported.
    const summary = commandSummaries[name] ?? (await loadCommand(name))?.summary;
    if (summary !== undefined) ctx.out(`  ${name.padEnd(12)} ${summary}`);
  }
  ctx.out("");
  ctx.out("Every command takes --help and --json. Exit codes: 0 ok, 1 failure, 2 usage error,");
  ctx.out(
    "3 environment missing (a server cannot be installed or started), 4 target missed. NO_COLOR is honoured.",
  );
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return exitCodes.usage;
  if (error instanceof SyncbenchError) {
    if (error.code.startsWith("ENV_") || error.code === "STACK_UNHEALTHY")
      return exitCodes.environmentMissing;
    if (error.code.endsWith("_INVALID") || error.code.startsWith("CLI_")) return exitCodes.usage;
  }
  return exitCodes.failure;
}

/**
 * With --json, stdout is one JSON document and nothing else: the command's, or, when it failed
 * before printing one, this error document; the message and hint still go to stderr.
 */
export interface JsonErrorDocument {
  readonly ok: false;
  readonly exitCode: number;
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
}

function jsonErrorDocument(error: unknown, exitCode: number): JsonErrorDocument {
  if (error instanceof SyncbenchError) {
    const hint = error.hint === undefined ? {} : { hint: error.hint };
    return { ok: false, exitCode, error: { code: error.code, message: error.message, ...hint } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, exitCode, error: { code: "UNEXPECTED", message } };
}

export async function main(argv: readonly string[], env: CliContext["env"]): Promise<number> {
  const base = makeContext(env);
  let stdoutWritten = false;
  const ctx: CliContext = {
    ...base,
    out: (line) => {
      stdoutWritten = true;
      base.out(line);
    },
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    await printHelp(ctx);
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === "--version") {
    ctx.out(`syncbench ${syncbenchVersion()}`);
    return exitCodes.ok;
  }
  const command = await loadCommand(name);
  if (!command) {
    ctx.err(`syncbench: unknown command "${name}"; known: ${commandNames().join(", ")} (exit 2)`);
    return exitCodes.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    ctx.out(command.help);
    return exitCodes.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    const code = exitCodeFor(error);
    if (error instanceof SyncbenchError) {
      ctx.err(ctx.color.red(`syncbench ${name}: ${error.message} (${error.code})`));
      if (error.hint) ctx.err(`  hint: ${error.hint}`);
    } else {
      ctx.err(ctx.color.red(`syncbench ${name}: unexpected error`));
      ctx.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (rest.includes("--json") && !stdoutWritten)
      ctx.out(JSON.stringify(jsonErrorDocument(error, code)));
    return code;
  }
}
