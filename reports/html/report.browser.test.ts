// Opens the sample report's index.html in headless Chromium (Debian's package, installed by
// ensure-chromium.sh when missing) with the network off, and fails on any console error, page
// error, request that leaves the file, or chart figure whose SVG holds no mark; saves a screenshot
// to reports/.artifacts/ (ignored by git) for CI to keep.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../build-report.ts";
import { sampleSources } from "../sample/sample-sources.ts";
import {
  browserTimeoutMs,
  launchOfflineChromium,
  type OfflineBrowser,
} from "./chromium.test-env.ts";

const artifactsDir = fileURLToPath(new URL("../.artifacts/", import.meta.url));
const reportDir = join(artifactsDir, "sample-report");
const ensureScript = fileURLToPath(new URL("./ensure-chromium.sh", import.meta.url));
/** apt-get of chromium on a fresh machine: its download and unpack, with retries on a dpkg lock. */
const installTimeoutMs = 900_000;

let browser: OfflineBrowser | undefined;

beforeAll(async () => {
  const ensured = spawnSync("bash", [ensureScript], {
    encoding: "utf8",
    timeout: installTimeoutMs,
  });
  if (ensured.status !== 0) {
    throw new Error(
      `chromium is missing and ensure-chromium.sh failed (exit ${ensured.status}): ` +
        `${ensured.stderr.slice(-600)}`,
    );
  }
  mkdirSync(artifactsDir, { recursive: true });
  rmSync(reportDir, { recursive: true, force: true });
  await writeReport(sampleSources(), reportDir);
  browser = await launchOfflineChromium();
}, installTimeoutMs + 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("index.html in headless Chromium", () => {
  it(
    "opens offline with no console or page error, and every chart drew marks",
    async () => {
      const page = await browser!.context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning")
          problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file://")) problems.push(`request left the file: ${r.url()}`);
      });
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      await page.goto(`file://${join(reportDir, "index.html")}`, {
        waitUntil: "load",
        timeout: browserTimeoutMs,
      });
      const charts = await page.$$eval("figure[data-chart]", (figures) =>
        figures.map((f) => ({
          name: f.getAttribute("data-chart"),
          marks: f.querySelectorAll("svg g.role-mark > *").length,
          width: f.querySelector("svg")?.getBoundingClientRect().width ?? 0,
        })),
      );
      await page.screenshot({ path: join(artifactsDir, "sample-report.png"), fullPage: true });
      expect(problems).toEqual([]);
      expect(charts).toHaveLength(11);
      for (const c of charts) {
        expect(c.marks, `chart ${c.name} drew no marks`).toBeGreaterThan(0);
        expect(c.width, `chart ${c.name} has no width`).toBeGreaterThan(0);
      }
      const rows = await page.$$eval("table.targets tbody tr", (trs) => trs.length);
      expect(rows).toBeGreaterThan(0);
      await page.close();
    },
    browserTimeoutMs * 2,
  );
});
