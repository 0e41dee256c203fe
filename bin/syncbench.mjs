#!/usr/bin/env node
// The `syncbench` binary: registers tsx so the TypeScript sources run without a build step,
// then hands over to cli/main.ts, which owns argument parsing and exit codes.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2), process.env);
