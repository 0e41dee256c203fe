#!/usr/bin/env node
// The `syncbench` binary: registers tsx so the TypeScript sources run without a build step,
// then hands over to cli/main.ts, which owns argument parsing and exit codes.
import { register } from "tsx/esm/api";

// The AWS SDK warns once per process that its 2027 releases will need Node 22; the pinned SDK runs
// on Node 20, and README.md states the support window, so the warning is dropped from our output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === "string" ? warning : warning?.message ?? "";
  if (!text.startsWith("NodeVersionSupportWarning")) emitWarning(warning, ...rest);
};
// A reader that closes early (`syncbench status | head -3`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2), process.env);
// A client library may keep a socket or timer alive after the command is done (kafkajs, pg pools
// after an error): give output two seconds to flush, then end with the command's exit code.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
