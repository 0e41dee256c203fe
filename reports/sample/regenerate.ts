// `npm run report:sample`: rewrites the golden copy of the sample report (reports/sample/report/)
// after a change to the charts that is meant (review the diff of the .vl.json files before
// committing it; the golden test fails until this has run), and the README's screenshot of its
// top (reports/sample/screenshot.png) through headless Chromium (reports/html/chromium.test-env.ts).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeReport } from "../build-report.ts";
import { launchOfflineChromium } from "../html/chromium.test-env.ts";
import { sampleReportDir, sampleSources } from "./sample-sources.ts";

const screenshotPath = fileURLToPath(new URL("./screenshot.png", import.meta.url));

rmSync(sampleReportDir, { recursive: true, force: true });
const files = await writeReport(sampleSources(), sampleReportDir);
process.stdout.write(`wrote ${files.length} files to ${sampleReportDir}\n`);
const browser = await launchOfflineChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 1250 });
  await page.goto(`file://${join(sampleReportDir, "index.html")}`, { waitUntil: "load" });
  await page.screenshot({ path: screenshotPath });
  process.stdout.write(`wrote ${screenshotPath}\n`);
} finally {
  await browser.close();
}
