/**
 * Headless Chromium for the workbench tests.
 *
 * Why: the tests drive the real VS Code UI the way a user does, so they need a real browser;
 * this machine has Debian's Chromium (never `npx playwright install`), started with the flags
 * measured to work here (ENVIRONMENT.md): no sandbox/GPU/QUIC and no background traffic.
 */
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MFSTUDIO_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]);

/**
 * Launches Chromium and opens one page of the given size.
 * @returns {Promise<{browser: import('playwright-core').Browser, context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
export async function launchChromium({ width = 1400, height = 860 } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      await browser.close().catch(() => {});
    },
  };
}
