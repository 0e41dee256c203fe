// One fuzzed boundary: a name, where it runs (a parser in process, or an HTTP route of the real
// stack), and a property over fast-check cases. A property states the house rule for input: every
// case gets a clear outcome, either accepted or refused with an error code, never a crash, a 500
// or a state change. A run reports its case counts and the failures fast-check shrank to.
import fc from "fast-check";
import { SyncbenchError } from "../reference-impl/core/errors.ts";

export interface FuzzRun {
  readonly cases: number;
  readonly seed: number;
  /** The gateway of a running stack and its JWT secret (stack boundaries only). */
  readonly stack?: { readonly gatewayUrl: string; readonly jwtSecret: string };
}

export interface BoundaryReport {
  readonly boundary: string;
  readonly where: "parser" | "stack";
  readonly cases: number;
  /** Cases by outcome: accepted, refused with which code. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Empty when every case held; else fast-check's report (seed, path, shrunk counterexample). */
  readonly failures: readonly string[];
}

export interface Boundary {
  readonly name: string;
  readonly where: "parser" | "stack";
  run(options: FuzzRun): Promise<BoundaryReport>;
}

/** Counts outcomes while a property runs. */
export class Tally {
  readonly outcomes: Record<string, number> = {};
  add(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }
}

/** A parser's outcome for one input: accepted, or refused with a SyncbenchError whose code is listed. */
export function parserOutcome(run: () => unknown, codes: readonly string[]): string {
  try {
    run();
    return "accepted";
  } catch (error) {
    if (error instanceof SyncbenchError && codes.includes(error.code) && error.message.length > 0)
      return error.code;
    throw new Error(
      `not a clear refusal: ${
        error instanceof SyncbenchError
          ? `code ${error.code}`
          : `${(error as Error).name}: ${(error as Error).message}`
      }`,
      { cause: error },
    );
  }
}

/** Runs a property for `cases` cases; a counterexample becomes the report's failure. */
export async function check<T>(
  name: string,
  where: BoundaryReport["where"],
  options: FuzzRun,
  arbitrary: fc.Arbitrary<T>,
  property: (value: T, tally: Tally) => void | Promise<void>,
): Promise<BoundaryReport> {
  const tally = new Tally();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (v) => {
      await property(v, tally);
    }),
    { numRuns: options.cases, seed: options.seed },
  );
  const failures = details.failed ? [fc.defaultReportMessage(details) ?? "failed"] : [];
  return { boundary: name, where, cases: details.numRuns, outcomes: tally.outcomes, failures };
}
