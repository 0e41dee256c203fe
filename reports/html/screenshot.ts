// `npm run report:screenshot -- REPORT_DIR OUT.png [--full]`: a picture of a written report's page
// (its top 1100 x 1250 px, or the whole page with --full) through the same offline headless
// Chromium as the browser test. The README's tour shows one of a real `validate --quick` run.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { launchOfflineChromium } from "./chromium.test-env.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { full: { type: "boolean" } },
});
const [reportDir, out] = positionals;
if (reportDir === undefined || out === undefined || positionals.length !== 2) {
  process.stderr.write("usage: npm run report:screenshot -- REPORT_DIR OUT.png [--full]\n");
  process.exit(2);
}
const index = resolve(reportDir, "index.html");
if (!existsSync(index) || !statSync(index).isFile()) {
  process.stderr.write(`REPORT_NOT_FOUND: no index.html in ${reportDir}; nothing written\n`);
  process.exit(2);
}
if (!out.endsWith(".png")) {
  process.stderr.write(`USAGE: OUT must end in .png, got "${out}"; nothing written\n`);
  process.exit(2);
}
const browser = await launchOfflineChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 1250 });
  await page.goto(`file://${index}`, { waitUntil: "load" });
  await page.screenshot({ path: resolve(out), fullPage: values.full === true });
  process.stdout.write(`wrote ${resolve(out)}\n`);
} finally {
  await browser.close();
}
