// The shape of one CLI command module in cli/commands/<name>.ts. main.ts discovers commands by
// file name, so adding a command touches no shared registry.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import type { CliContext } from "./context.ts";

export interface Command {
  /** One line for the command table in `syncbench --help`. */
  readonly summary: string;
  /** The full `--help` text: usage line, options, exit codes that matter, examples. */
  readonly help: string;
  run(args: readonly string[], ctx: CliContext): Promise<number>;
}

/** A usage error: exit code 2, printed with the command's help hint. */
export class UsageError extends SyncbenchError {
  constructor(message: string) {
    super("CLI_USAGE", message, { hint: "run the command with --help to see its usage" });
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs in strict mode, with its errors turned into UsageErrors that name the flag. */
export function parseFlags<T extends Options>(
  args: readonly string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message);
  }
}

export const commonOptions = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const;

/** An integer flag in min..max ("1_000" allowed), else its fallback; a UsageError naming it. */
export function integerFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got "${value}"`);
  return n;
}
