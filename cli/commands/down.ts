// `syncbench down`: stops what `up` started, by the PIDs it recorded, and nothing else.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

export const command: Command = {
  summary: "stop the servers that `up` started (by recorded PID, never by name)",
  help: `usage: syncbench down [--provider native|testcontainers] [--json]

Stops each server whose pid file (in .syncbench/run/) still names the very process that \`up\`
started; data and installs stay, so the next \`up\` is quick.`,
  async run(args, ctx) {
    const { values } = parseFlags(args, { ...commonOptions, provider: { type: "string" } }, false);
    const provider = await providerFor(ctx, { provider: values.provider });
    const result = await provider.down({
      onProgress: values.json ? undefined : (line) => ctx.out(line),
    });
    if (values.json) ctx.out(JSON.stringify(result));
    return exitCodes.ok;
  },
};
