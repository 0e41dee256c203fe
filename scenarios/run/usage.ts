// A usage error raised below the CLI (exit 2 through its SCENARIO_/CLI_ code), so that
// scenarios/ need not import cli/.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";

export class UsageErrorLike extends SyncbenchError {
  constructor(message: string) {
    super("CLI_USAGE", message, { hint: "run the command with --help to see its usage" });
  }
}
