// The CLI's exit codes, one table for every command (as k6's exitcodes/codes.go).
// ARCHITECTURE.md and the foundation issue fix these numbers; STYLE.md section 5 lists an older
// numbering (3 = targets missed, 4 = stack unreachable) and is superseded by this table.

export const exitCodes = {
  /** Everything asked for was done and every target held. */
  ok: 0,
  /** Unexpected failure: a bug, an invariant violation, a failed operation. */
  failure: 1,
  /** Usage error: unknown command or flag, invalid configuration or scenario. */
  usage: 2,
  /** Environment missing: a server or tool cannot be installed or started. */
  environmentMissing: 3,
  /** Target missed: a gate or benchmark target did not hold. */
  targetMissed: 4,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
