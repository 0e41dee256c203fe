// `syncbench version`: the tool's version and the Node runtime it runs on.
import { commonOptions, parseFlags, type Command } from "../command.ts";
import { syncbenchVersion } from "../../reference-impl/runtime/version.ts";

export const command: Command = {
  summary: "print the syncbench and Node versions",
  help: "usage: syncbench version [--json]",
  async run(args, ctx) {
    const { values } = parseFlags(args, commonOptions, false);
    const info = { syncbench: syncbenchVersion(), node: process.version };
    ctx.out(values.json ? JSON.stringify(info) : `syncbench ${info.syncbench} (node ${info.node})`);
    return 0;
  },
};
