// `syncbench k6 export` on the real stack: the data file's request material is prepared there
// (users' tokens, committed files, deltas against their blocks), and every request in it,
// replayed once through syncbench's own open-model driver, succeeds. The script written beside it
// names the data file's population. k6 itself is never run (AGPL: the project does not run it).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import type { K6Data } from "./k6-data.ts";
import { exportK6Files } from "./k6-export-file.ts";
import { replayK6Data } from "./k6-replay.ts";

const secret = stackJwtSecret();
const dir = mkdtempSync(join(tmpdir(), "syncbench-k6-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(secret === undefined)("k6 export on the real stack", () => {
  it("prepares a data file whose every request succeeds when replayed", async () => {
    const baseUrl = stackEndpoints().gatewayUrl;
    const written = await exportK6Files({
      scenario: "smoke",
      overrides: { ratePerS: 10, durationS: 2 },
      outputDir: dir,
      baseUrl,
      secret: secret!,
      bounds: { usersMax: 3, filesPerUser: 2, editsMax: 200, timeS: 120 },
      log: () => {},
    });
    const data = JSON.parse(readFileSync(written.data, "utf8")) as K6Data;
    expect(data.users).toHaveLength(3);
    expect(data.edits.length).toBeGreaterThan(0);
    expect(new Set(data.users.map((u) => u.token)).size).toBe(3);
    expect(readFileSync(written.script, "utf8")).toContain('"vus": 1');
    const replay = await replayK6Data(data, baseUrl);
    expect(replay.errors).toEqual({});
    expect(replay.okByOperation).toEqual({
      listFolder: 3,
      download: 6,
      deltaUpload: data.edits.length,
    });
  }, 240_000);
});
