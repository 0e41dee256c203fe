// Vitest global setup of the `int` project: brings the real stack up once for the whole run (or
// finds it already up), provides its endpoints to the test files, prints which servers the tests
// run against, and stops at the end only what it started, also when tests fail.
import type { TestProject } from "vitest/node";
import { createProvider } from "./select-provider.ts";
import { loadStackConfig } from "./stack-config.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const config = loadStackConfig(env);
  const provider = await createProvider(config, env);
  const log = (line: string) => process.stdout.write(`[stack] ${line}\n`);
  const before = provider.name === "native" ? await provider.status() : undefined;
  const alreadyUp = before?.services.every((s) => s.healthy) ?? false;
  const startedAtMs = Date.now();
  const status = alreadyUp && before ? before : await provider.up({ onProgress: log });
  log(
    `${alreadyUp ? "found the stack running" : `started the stack in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`}` +
      ` (provider ${status.provider}); integration tests run against these real servers:`,
  );
  for (const s of status.services)
    log(
      `  ${s.name.padEnd(8)} ${s.implementation} at ${s.endpoint}${s.pid ? ` (pid ${s.pid})` : ""}`,
    );
  project.provide("stackEndpoints", await provider.endpointsWithSecrets());
  project.provide(
    "stackImplementations",
    Object.fromEntries(status.services.map((s) => [s.name, s.implementation])),
  );
  project.provide("stackJwtSecret", provider.secrets()?.jwtSecret);
  const startedHere = status.started ?? [];
  return async () => {
    if (startedHere.length === 0) {
      log("leaving the stack running (it was up before the tests)");
      return;
    }
    const { stopped } = await provider.down({ only: startedHere });
    log(`stopped what this run started: ${stopped.join(", ")}`);
  };
}
