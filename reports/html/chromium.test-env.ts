// Headless Chromium for looking at the report as a person would: Debian's package at
// /usr/bin/chromium (ensure-chromium.sh installs it), driven by playwright-core (no browser
// download of its own), with the network off and a new empty profile each time. Used by the
// browser test and by `npm run report:sample` for the README's screenshot.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launch and page-load bound. */
export const browserTimeoutMs = 60_000;

export interface OfflineBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A Chromium with a fresh --user-data-dir, offline, at a 1200 px wide viewport. */
export async function launchOfflineChromium(): Promise<OfflineBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "syncbench-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    offline: true,
    viewport: { width: 1200, height: 900 },
    timeout: browserTimeoutMs,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
