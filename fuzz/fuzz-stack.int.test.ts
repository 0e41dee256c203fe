// The stack slice of `npm run fuzz` in `npm test`: 60 fuzzed requests through the real gateway to
// the ChunkServices (bodies, URLs, query strings, headers), then fsck. Every answer must be below
// 500 with a JSON error code when it refuses, refused requests must leave no state, fsck clean.
import { describe, expect, it } from "vitest";
import { stackJwtSecret } from "../reference-impl/stack/stack.test-env.ts";
import { stackEndpoints } from "../reference-impl/stack/stack.test-env.ts";
import { httpBoundary } from "./boundaries/http-routes.ts";
import { fsckClean } from "./stack-state.ts";

const secret = stackJwtSecret();
/** Findings whose fix is under way on another branch, matched in the report's failures. */
const knownOpen: RegExp[] = [];

describe.skipIf(secret === undefined)(
  "fuzz: the ChunkService's HTTP boundary through the gateway",
  () => {
    it("60 requests below 500, refusals with a JSON code, no state left by refusals, fsck clean", async () => {
      const report = await httpBoundary("stack").run({
        cases: 60,
        seed: 20261206,
        stack: { gatewayUrl: stackEndpoints().gatewayUrl, jwtSecret: secret! },
      });
      expect(report.failures.filter((f) => !knownOpen.some((k) => k.test(f)))).toEqual([]);
      expect(report.cases).toBe(60);
      const fsck = await fsckClean(process.env);
      expect(fsck.summary).toMatch(/^clean/);
    });
  },
);
