/**
 * Where tests leave evidence: screenshots of failures in test-results/ (gitignored) and the
 * documentation screenshots in docs/images/.
 *
 * Why: a failed UI test is only debuggable with a picture of what the workbench showed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../scripts/code-server.mjs';

export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
// Documentation screenshots are refreshed in docs/images only when asked
// (MFSTUDIO_UPDATE_SCREENSHOTS=1), so an ordinary test run leaves the work tree clean.
export const SCREENSHOT_DIR = process.env.MFSTUDIO_UPDATE_SCREENSHOTS === '1'
  ? path.join(REPO_ROOT, 'docs', 'images')
  : path.join(REPO_ROOT, 'test-results', 'screenshots');

const safe = (name) => name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '').slice(0, 100);

/** Saves a full-page screenshot into test-results/ and returns its path (never throws). */
export async function saveFailureScreenshot(page, name) {
  try {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${safe(name)}.png`);
    await page.screenshot({ path: file, timeout: 10000 });
    return file;
  } catch {
    return null;
  }
}

/**
 * Runs `fn`; on failure keeps a screenshot (named after the test) and rethrows with its path.
 * @template T
 * @param {import('node:test').TestContext} t
 * @param {() => import('playwright-core').Page | undefined} getPage
 * @param {() => Promise<T>} fn
 */
export async function keepScreenshotOnFailure(t, getPage, fn) {
  try {
    return await fn();
  } catch (e) {
    const page = getPage();
    const file = page ? await saveFailureScreenshot(page, t.name) : null;
    if (file) t.diagnostic(`screenshot kept: ${path.relative(REPO_ROOT, file)}`);
    throw e;
  }
}
