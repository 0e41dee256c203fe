// Warnings of a dependency that are known, harmless and not ours to fix, dropped so they do not
// read as syncbench's: kafkajs 2.2.4 schedules its request queue with a timestamp where Node wants
// a delay, which Node 24 reports as "TimeoutNegativeWarning: -1765... is a negative number"
// (tulios/kafkajs#1751, open; Node then waits 1 ms, the behaviour kafkajs meant). Only that
// warning from kafkajs' frames is dropped; every other warning, ours included, prints as before.

let installed = false;

/** A TimeoutNegativeWarning raised inside kafkajs. */
export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return warning.name === "TimeoutNegativeWarning" && /[\\/]kafkajs[\\/]/.test(warning.stack ?? "");
}

/** Idempotent: routes warnings through a filter in front of the listeners already installed. */
export function dropKnownDependencyWarnings(): void {
  if (installed) return;
  installed = true;
  const previous = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (isKafkajsNegativeTimeout(warning)) return;
    for (const listener of previous) listener(warning);
  });
}
