// `syncbench doctor`: every prerequisite, what was found, and the command that fixes what is missing.
import { doctorStack } from "../../reference-impl/stack/doctor.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { commonOptions, parseFlags, type Command } from "../command.ts";

export const command: Command = {
  summary:
    "check prerequisites (node, java, mvn, go, servers, ports, disk) and say how to fix them",
  help: `usage: syncbench doctor [--json]

"warn" marks something \`up\` installs by itself (as root) or works around; "fail" blocks \`up\`.
Exit codes: 0 nothing fails; 3 something fails (the line says the fixing command).`,
  async run(args, ctx) {
    const { values } = parseFlags(args, commonOptions, false);
    const checks = await doctorStack(loadStackConfig(ctx.env).native, ctx.env);
    const failed = checks.some((c) => c.level === "fail");
    if (values.json) ctx.out(JSON.stringify({ ok: !failed, checks }, null, 2));
    else {
      for (const c of checks) {
        const mark =
          c.level === "ok"
            ? ctx.color.green("ok  ")
            : c.level === "warn"
              ? ctx.color.yellow("warn")
              : ctx.color.red("FAIL");
        ctx.out(`${mark} ${c.name.padEnd(14)} ${c.found}`);
        if (c.fix) ctx.out(ctx.color.dim(`     fix: ${c.fix}`));
      }
    }
    return failed ? exitCodes.environmentMissing : exitCodes.ok;
  },
};
