// What every reader of formats/ shares: JSON text or an already-parsed value in, the file's kind
// and schemaVersion checked first (a file of another version is refused with an error naming the
// version seen and the one this syncbench reads, never guessed at), then the zod schema, whose
// issues become one line each: the field's path, what was wrong, and the value seen.
import type { z } from "zod";
import { SyncbenchError } from "../reference-impl/core/errors.ts";

/** What a reader needs to know about the file it reads. */
export interface FormatDescription {
  /** Words for messages: "results", "calibration", ... */
  readonly what: string;
  /** The file's "kind" field. */
  readonly kind: string;
  readonly schemaVersion: number;
  /** The error code every problem with this file is thrown with (ends in _INVALID: exit 2). */
  readonly code: string;
}

/** A parsed file's type for its readers: nothing in it is meant to be changed in place. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Issues listed in one error message, at most: a broken file can have thousands. */
export const issuesListedMax = 20;

/** A zod path as a reader writes it: operations[0].parts[1].servers. */
export function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "(root)" : text;
}

/** A value as a message shows it: JSON, cut at 60 characters. */
function shown(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch (error) {
    // A value handed in already parsed may hold what JSON cannot (a BigInt, a cycle).
    if (!(error instanceof TypeError)) throw error;
    text = `(${typeof input} that is not JSON)`;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function seen(input: unknown): string {
  return input === undefined ? "missing" : `got ${shown(input)}`;
}

/** One line per issue: "path: message, got value". */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const input = (issue as { input?: unknown }).input;
    // A custom issue states its own value when it has one; unrecognized keys are named already.
    const quiet =
      issue.code === "unrecognized_keys" || (issue.code === "custom" && !("input" in issue));
    const got = quiet ? "" : `, ${seen(input)}`;
    return `${pathText(issue.path)}: ${issue.message}${got}`;
  });
}

/** JSON text parsed, or a value taken as already parsed. */
export function jsonValue(input: unknown, format: FormatDescription, source: string): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch (error) {
    throw new SyncbenchError(
      format.code,
      `${format.what} ${source} is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Refuses what is not this kind of file, or is of another schemaVersion, before the schema speaks:
 * "calibration "old.json" has schemaVersion 0; this syncbench reads schemaVersion 1".
 */
export function checkKindAndVersion(
  value: unknown,
  format: FormatDescription,
  source: string,
): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SyncbenchError(
      format.code,
      `${format.what} ${source} is not a JSON object, ${seen(value)}`,
    );
  }
  const { kind, schemaVersion } = value as { kind?: unknown; schemaVersion?: unknown };
  if (kind !== format.kind) {
    throw new SyncbenchError(
      format.code,
      `${format.what} ${source} has kind ${kind === undefined ? "(missing)" : shown(kind)}, ` +
        `expected "${format.kind}"`,
    );
  }
  if (schemaVersion !== format.schemaVersion) {
    throw new SyncbenchError(
      format.code,
      `${format.what} ${source} has schemaVersion ` +
        `${schemaVersion === undefined ? "(missing)" : shown(schemaVersion)}; ` +
        `this syncbench reads schemaVersion ${format.schemaVersion} and migrates no other`,
      {
        hint: `regenerate the file with this syncbench, or read it with the version that wrote it`,
      },
    );
  }
}

/** The value checked against the schema, or a throw listing every problem with its path. */
export function checkFormat<T extends z.ZodType>(
  schema: T,
  value: unknown,
  format: FormatDescription,
  source: string,
): z.output<T> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = issueLines(parsed.error);
  const more = lines.length > issuesListedMax ? `; and ${lines.length - issuesListedMax} more` : "";
  throw new SyncbenchError(
    format.code,
    `${format.what} ${source} does not match schemaVersion ${format.schemaVersion}: ` +
      `${lines.slice(0, issuesListedMax).join("; ")}${more}`,
  );
}

/** The reader every format exports: text or value in, kind and version first, then the schema. */
export function parseFormat<T extends z.ZodType>(
  schema: T,
  input: unknown,
  format: FormatDescription,
  source: string,
): z.output<T> {
  const value = jsonValue(input, format, source);
  checkKindAndVersion(value, format, source);
  return checkFormat(schema, value, format, source);
}
