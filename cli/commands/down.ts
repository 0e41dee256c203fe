// `syncbench down`: stops what `up` started, by the PIDs it recorded, and nothing else.
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";
import { clean, cleanTargets } from "../../reference-impl/stack/stack-clean.ts";
import { loadStackConfig, repoRoot } from "../../reference-impl/stack/stack-config.ts";
import { outcomeLine, runningProcesses } from "./clean.ts";

export const command: Command = {
  summary: "stop the servers that `up` started (by recorded PID, never by name)",
  help: `usage: syncbench down [--provider native|testcontainers] [--purge] [--json]

Stops each server whose pid file (in .syncbench/run/) still names the very process that \`up\`
started; data and installs stay, so the next \`up\` is quick.
  --purge   then remove the stack's data (databases, buckets, topics, secrets) and logs; the
            installs cache stays (\`syncbench clean\` lists and removes the other parts)`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      { ...commonOptions, provider: { type: "string" }, purge: { type: "boolean" } },
      false,
    );
    const provider = await providerFor(ctx, { provider: values.provider });
    const result = await provider.down({
      onProgress: values.json ? undefined : (line) => ctx.out(line),
    });
    if (!values.purge) {
      if (values.json) ctx.out(JSON.stringify(result));
      return exitCodes.ok;
    }
    const config = loadStackConfig(ctx.env).native;
    const purged = clean(cleanTargets(config.rootDir, config.cacheDir, repoRoot), {
      parts: ["data", "logs"],
      dryRun: false,
      running: await runningProcesses(ctx),
      rootDir: config.rootDir,
    });
    if (values.json) ctx.out(JSON.stringify({ ...result, purged }));
    else for (const o of purged) ctx.out(outcomeLine(o));
    return exitCodes.ok;
  },
};
