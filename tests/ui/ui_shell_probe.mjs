/**
 * The browser half of test_ui_shell.py: opens the real `mfstudio ui` page in Chromium (Debian's,
 * via playwright-core, as the e2e tests do) and prints one JSON object of what the page did:
 *
 *   node tests/ui/ui_shell_probe.mjs BASE FLOW RUN
 *     -> {rows, requests: [path+query] of the runs page load, scripts: [asset names] it
 *         loaded, prefetchLeft: requests the boot script started that nobody took,
 *         runScripts: asset names loaded once RUN's page drew its DAG, dagNodes,
 *         violations: CSP violations, problems: page errors}
 */
/* global window, document -- page.evaluate bodies run in the page */
import { chromium } from 'playwright-core';

const [base, flow, run] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(new URL(r.url())));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const assetsSoFar = () => requests.filter((u) => u.pathname.startsWith('/assets/') && u.pathname.endsWith('.js')).map((u) => u.pathname.slice('/assets/'.length));

  await page.goto(`${base}/#/?flow=${encodeURIComponent(flow)}`);
  // The count is written with the rows of each answer.
  await page.waitForFunction(() => /shown/.test(document.querySelector('[data-testid=runs-view] .ui-runs__count')?.textContent ?? ''));
  const rows = await page.locator('[data-testid=runs-table] tr[data-run]').count();
  const prefetchLeft = await page.evaluate(() => window.mfStudioPrefetch?.size ?? -1);
  const pageRequests = requests.filter((u) => u.pathname.startsWith('/api/')).map((u) => u.pathname + u.search);
  const scripts = assetsSoFar();

  await page.click(`tr[data-run="${flow}/${run}"] a.ui-run-link`);
  await page.waitForSelector('[data-testid=run-dag] g.mf-node[data-step]');
  const dagNodes = await page.locator('[data-testid=run-dag] g.mf-node[data-step]').count();
  const runScripts = assetsSoFar();
  const violations = await page.evaluate(() => window.__violations);
  console.log(JSON.stringify({ rows, requests: pageRequests, scripts, prefetchLeft, runScripts, dagNodes, violations, problems }));
  await context.close();
} finally {
  await browser.close();
}
