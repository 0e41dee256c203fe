// Runs `syncbench probe security`'s suite against the real stack and fails on any allowed row: one
// test per attack. Rows still open on main while their fix is under way are listed in `knownOpen`
// with the finding; they run as expected failures, so a fix that lands turns them red until the
// entry is removed, and any other allowed row fails at once.
import { beforeAll, describe, expect, it } from "vitest";
import { NativeProvider } from "../../reference-impl/stack/native/native-provider.ts";
import { probeTarget } from "../../reference-impl/stack/probe-target.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import { probeSecurity, securityAttacks, type ProbeRow } from "./security-probe.ts";

/**
 * Rows allowed on main while their fix is under way: a pattern over "group: probe" -> the finding.
 * They run as expected failures. (The size rows once skipped as racy, a 413 turned 502 when the
 * service dropped the socket first, are deterministic since the drain before 413 and max_fails=0.)
 */
const knownOpen: ReadonlyArray<{ readonly pattern: RegExp; readonly finding: string }> = [];

const secret = stackJwtSecret();
const blockUrlKey = new NativeProvider(loadStackConfig(process.env).native).secrets().blockUrlKey;
const rows = new Map<string, ProbeRow>();

describe.skipIf(secret === undefined)("syncbench probe security on the real stack", () => {
  beforeAll(async () => {
    const report = await probeSecurity(
      probeTarget(stackEndpoints(), { jwtSecret: secret!, blockUrlKey }),
    );
    for (const row of report.rows) rows.set(`${row.group}: ${row.probe}`, row);
  }, 240_000);

  for (const attack of securityAttacks()) {
    const name = `${attack.group}: ${attack.probe}`;
    const open = knownOpen.find((k) => k.pattern.test(name));
    const test = open ? it.fails : it;
    test(`${name} is refused${open ? ` (open: ${open.finding})` : ""}`, () => {
      const row = rows.get(name);
      expect(row, "the probe ran this attack").toBeDefined();
      expect(
        row!.verdict === "allowed"
          ? `${row!.verdict}: ${row!.detail}`
          : "refused or not applicable",
      ).toBe("refused or not applicable");
    });
  }
});
