// The report of the checked-in sample inputs (reports/sample/sample-sources.ts) is byte for byte
// its golden copy in reports/sample/report/: every spec, SVG and index.html, and no file more or
// less. A meant change to a chart is committed with `npm run report:sample` and a reviewed diff.
// Two builds in one process give the same bytes too (ids and text widths do not drift).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "./build-report.ts";
import { sampleReportDir, sampleSources } from "./sample/sample-sources.ts";

describe("sample report", () => {
  it("is byte-identical to its golden copy, twice over", async () => {
    const first = await buildReport(sampleSources());
    const second = await buildReport(sampleSources());
    expect(second).toEqual(first);
    const golden = readdirSync(sampleReportDir).sort();
    expect(first.map((f) => f.name).sort()).toEqual(golden);
    for (const file of first) {
      const expected = readFileSync(join(sampleReportDir, file.name), "utf8");
      expect(
        file.text === expected,
        `${file.name} differs from its golden copy (npm run report:sample)`,
      ).toBe(true);
    }
  });

  it("draws every chart, inline in index.html as in its own SVG file", async () => {
    const files = await buildReport(sampleSources());
    const html = files.find((f) => f.name === "index.html")!.text;
    const svgs = files.filter((f) => f.name.endsWith(".svg"));
    expect(svgs).toHaveLength(11);
    for (const svg of svgs) {
      expect(html).toContain(svg.text.trimEnd());
      expect(svg.text, svg.name).toMatch(/class="mark-[a-z]+ role-mark/);
    }
    // Nothing to fetch: no script, no stylesheet link, no src or href to another origin.
    expect(html).not.toMatch(/<script|<link|\b(src|href)="(https?:)?\/\/|url\(["']?https?:/);
  });
});
