// openapi.yaml states the DownloadService's bounds as the code has them: every maximum/maxLength
// carries `x-limit: <name>` and equals that limit (core/limits.ts or the MetadataDb port).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiLimits } from "../../core/limits.ts";
import { listPageRowsMax, versionListRowsMax } from "../../stores/metadata-db/metadata-db.port.ts";

const lines = readFileSync(fileURLToPath(new URL("./openapi.yaml", import.meta.url)), "utf8").split(
  "\n",
);
const limits: Readonly<Record<string, number>> = {
  ...apiLimits,
  listPageRowsMax,
  versionListRowsMax,
};

describe("download-service openapi.yaml", () => {
  it("every bound names its limit and has its value; the page limit of C25 is stated", () => {
    const stated = lines.flatMap((line, i) =>
      [...line.matchAll(/\b(maximum|maxLength): (\d+)/g)].map((m) => ({
        line: i + 1,
        value: Number(m[2]),
        name: /x-limit: (\w+)/.exec(line)?.[1],
      })),
    );
    expect(stated.filter((b) => b.name === undefined || limits[b.name] !== b.value)).toEqual([]);
    expect(stated.map((b) => b.name)).toContain("listPageRowsMax");
    expect(listPageRowsMax).toBe(1000);
  });
});
