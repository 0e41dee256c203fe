// The known kafkajs warning is recognised by its name and frames; the same warning from any other
// code (ours) is not, so a negative timeout of syncbench's own still prints.
import { describe, expect, it } from "vitest";
import { isKafkajsNegativeTimeout } from "./known-warnings.ts";

function warning(name: string, frame: string): Error {
  const w = new Error("-1765000000000 is a negative number.\nTimeout duration was set to 1.");
  w.name = name;
  w.stack = `${name}: ${w.message}\n    at new Timeout (node:internal/timers:195:17)\n    at ${frame}`;
  return w;
}

describe("known dependency warnings", () => {
  const kafkajs =
    "RequestQueue.scheduleCheckPendingRequests (/p/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)";
  it("drops kafkajs' negative timeout only", () => {
    expect(isKafkajsNegativeTimeout(warning("TimeoutNegativeWarning", kafkajs))).toBe(true);
    expect(
      isKafkajsNegativeTimeout(warning("TimeoutNegativeWarning", "tick (/p/scenarios/x.ts:1:1)")),
    ).toBe(false);
    expect(isKafkajsNegativeTimeout(warning("DeprecationWarning", kafkajs))).toBe(false);
  });
});
