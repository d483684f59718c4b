// Screenshots of the dev page, for looking at the design and for docs:
//   node dev/screenshot.mjs OUTDIR [steps]
// Writes OUTDIR/dag-{light,dark,vscode-dark,vscode-light,vscode-hc}.png and prints the
// render time reported by the view's `rendered` message and any CSP violations.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? 'screenshots');
const steps = process.argv[3];
mkdirSync(outDir, { recursive: true });
const page0 = pathToFileURL(join(here, 'dag.html')).href;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
try {
  const runs = [
    ['light', 'light', ''],
    ['dark', 'dark', ''],
    ['vscode-dark', 'dark', 'vscode-dark'],
    ['vscode-light', 'light', 'vscode-light'],
    ['vscode-hc', 'dark', 'vscode-hc'],
  ];
  for (const [name, scheme, theme] of runs) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('console', (m) => console.log(`[${name}] console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[${name}] page error: ${e.message}`));
    const query = new URLSearchParams();
    if (theme) query.set('theme', theme);
    if (steps) query.set('steps', steps);
    await page.goto(`${page0}?${query}`);
    await page.waitForFunction(() => window.mfDev?.messages.some((m) => m.type === 'rendered'));
    await page.waitForTimeout(300);
    const info = await page.evaluate(() => ({
      rendered: window.mfDev.messages.find((m) => m.type === 'rendered'),
      violations: window.mfDev.violations,
      nodes: document.querySelectorAll('.mf-node').length,
    }));
    const file = join(outDir, `dag-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`${name}: ${JSON.stringify(info)} -> ${file}`);
    await context.close();
  }
} finally {
  await browser.close();
}
