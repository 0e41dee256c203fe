// `syncbench logs <service>`: the last lines of one server's log file.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { isProcessName, serviceNames } from "../../reference-impl/stack/provider.ts";
import { logTail } from "../../reference-impl/stack/stack-access.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

export const command: Command = {
  summary: "print the last lines of a server's log",
  help: `usage: syncbench logs <${serviceNames.join("|")}|chunk-service-N> [--lines N] [--json]`,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, {
      ...commonOptions,
      lines: { type: "string" },
    });
    const [service] = positionals;
    if (service === undefined || !isProcessName(service)) {
      throw new UsageError(
        `logs needs one of ${serviceNames.join(", ")}, chunk-service-N, got "${service ?? ""}"`,
      );
    }
    const count = values.lines === undefined ? 50 : Number(values.lines);
    if (!Number.isInteger(count) || count < 1 || count > 100_000) {
      throw new UsageError(`--lines must be an integer from 1 to 100000, got "${values.lines}"`);
    }
    const tail = logTail(await providerFor(ctx), service, count);
    if (!tail) {
      throw new UsageError(`the ${service} log is kept by the container runtime: use docker logs`);
    }
    const { file, lines } = tail;
    if (values.json) ctx.out(JSON.stringify({ service, file, lines }));
    else {
      ctx.out(ctx.color.dim(`==> ${file} <==`));
      for (const line of lines) ctx.out(line);
    }
    return exitCodes.ok;
  },
};
