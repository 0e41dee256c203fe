// `syncbench status`: each server's health, endpoint, PID and memory.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { allHealthy, printStatus, providerFor } from "../stack-cli.ts";

export const command: Command = {
  summary: "show each server's health, endpoint, PID and memory",
  help: `usage: syncbench status [--provider native|testcontainers] [--json]

Exit codes: 0 every server healthy; 3 at least one is not (run \`syncbench up\` to restart it).`,
  async run(args, ctx) {
    const { values } = parseFlags(args, { ...commonOptions, provider: { type: "string" } }, false);
    const provider = await providerFor(ctx, { provider: values.provider });
    const status = await provider.status();
    if (values.json) ctx.out(JSON.stringify(status, null, 2));
    else printStatus(ctx, status);
    return allHealthy(status) ? exitCodes.ok : exitCodes.environmentMissing;
  },
};
