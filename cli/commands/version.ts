// `syncbench version`: the tool's version and the Node runtime it runs on.
import { commonOptions, parseFlags, type Command } from "../command.ts";

export const command: Command = {
  summary: "print the syncbench and Node versions",
  help: "usage: syncbench version [--json]",
  async run(args, ctx) {
    const { values } = parseFlags(args, commonOptions, false);
    const info = { syncbench: "0.1.0", node: process.version };
    ctx.out(values.json ? JSON.stringify(info) : `syncbench ${info.syncbench} (node ${info.node})`);
    return 0;
  },
};
