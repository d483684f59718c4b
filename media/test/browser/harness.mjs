// Shared by the Chromium tests of the front-end pages: one browser per test file, dev pages
// opened as file:// URLs, and where screenshots go (test-results/screenshots, or
// docs/images with MFSTUDIO_UPDATE_SCREENSHOTS=1, as in the workbench tests).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');

export const SCREENSHOT_DIR =
  process.env.MFSTUDIO_UPDATE_SCREENSHOTS === '1' ? join(repo, 'docs', 'images') : join(repo, 'test-results', 'screenshots');

/** The file:// URL of a dev page (media/dev/NAME). */
export const devPage = (name) => pathToFileURL(join(here, '..', '..', 'dev', name)).href;

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * Opens `url` in a new context and waits for `ready` (a predicate run in the page).
 * Page errors and dialogs are collected in `problems` (an XSS payload would open one).
 */
export async function openPage(browser, url, ready, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForFunction(ready);
  return { page, context, problems };
}

/** Saves a screenshot as SCREENSHOT_DIR/NAME.png; returns its path. */
export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}
