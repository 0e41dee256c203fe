// The one error base class of syncbench. Codes are stable strings grouped by component
// (STACK_*, CHUNK_*, DELTA_*, SCENARIO_*, SIM_*); callers match on `code`, never on the message.
// A message says what happened, to what, the value seen and expected, and what was done.

export interface SyncbenchErrorOptions {
  readonly cause?: unknown;
  /** What the user can do about it: a command to run, a flag to change. */
  readonly hint?: string;
}

export class SyncbenchError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: SyncbenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SyncbenchError";
    this.code = code;
    this.hint = options.hint;
  }
}

export function isSyncbenchError(value: unknown, code?: string): value is SyncbenchError {
  return value instanceof SyncbenchError && (code === undefined || value.code === code);
}
