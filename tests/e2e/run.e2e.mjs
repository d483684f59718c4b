/**
 * Running the demo flow from the real workbench UI: open the flow, show its DAG, open
 * "Metaflow: Run Flow…", type epochs 1, press Run; the DAG's nodes take the live run
 * classes (mf-node--run-*) in flow order until every step succeeded, and the run appears in
 * the Runs view. Keeps a screenshot of the running DAG beside the form for docs/run-form.md
 * (docs/images/run-live.png with MFSTUDIO_UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { openWorkbench, quickOpen, runCommand, waitForDagSteps, waitForServerReady } from './harness/ui.mjs';
import { expandRow, findRow, openRunsView } from './harness/runsUi.mjs';
import { TYPING_SETTINGS, VSIX_PATH, startWorkbench } from './harness/workbench.mjs';

const DEMO_FLOW = 'flows/training_flow.py';
/** The demo flow's steps in an order that respects its edges (a step's parents first). */
const TOPO = ['start', 'train', 'choose', 'publish', 'evaluate', 'report', 'summarize', 'end'];
const PARENTS = {
  train: ['start'],
  choose: ['train'],
  publish: ['choose'],
  evaluate: ['publish'],
  report: ['publish'],
  summarize: ['evaluate', 'report'],
  end: ['summarize'],
};
const RANK = { pending: 0, running: 1, succeeded: 2, failed: 2 };

let cs;
let browser;
let page;
const withShot = (t, fn) => keepScreenshotOnFailure(t, () => page, fn);

/** The frame whose document matches `selector` (the DAG's or the run form's webview). */
async function frameWith(selector, timeout = 30000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview frame with ${selector}`);
}

/** Each drawn step's run status from its mf-node--run-* class (pending when none). */
async function runClasses(dag) {
  return dag.locator('g.mf-node[data-step]').evaluateAll((els) =>
    Object.fromEntries(
      els.map((el) => {
        const match = /mf-node--run-(pending|running|succeeded|failed)/.exec(el.getAttribute('class') ?? '');
        return [el.getAttribute('data-step'), match ? match[1] : 'none'];
      }),
    ),
  );
}

before(async () => {
  cs = await startWorkbench({ vsix: [VSIX_PATH], settings: TYPING_SETTINGS });
  browser = await launchChromium({ width: 1800, height: 1000 });
  page = browser.page;
  await openWorkbench(page, cs.url);
  await runCommand(page, 'View: Close Primary Side Bar');
});

after(async () => {
  await browser?.close();
  await cs?.stop();
});

test('fill the run form, launch the demo flow, watch the DAG light up in order', { timeout: 400000 }, async (t) => {
  await withShot(t, async () => {
    await quickOpen(page, DEMO_FLOW);
    await waitForServerReady(page, 60000);
    await runCommand(page, 'Metaflow: Show DAG');
    await waitForDagSteps(page, (names) => names.length === TOPO.length, 30000);
    const dag = await frameWith('g.mf-node[data-step]');

    await runCommand(page, 'Metaflow: Run Flow\u2026');
    const form = await frameWith('.rf-run');
    await form.getByLabel('epochs').waitFor({ timeout: 30000 });
    assert.equal(await form.getByLabel('epochs').getAttribute('placeholder'), 'default: 3');
    await form.getByLabel('epochs').fill('1');
    await form.getByLabel('tags').fill('e2e');
    await form.getByRole('button', { name: 'Run' }).click();

    // Poll the DAG's classes until the end step succeeded, recording every change.
    const seen = Object.fromEntries(TOPO.map((s) => [s, []]));
    const firstActive = {};
    let tick = 0;
    let shot = false;
    const deadline = Date.now() + 300000;
    for (;;) {
      const classes = await runClasses(dag).catch(() => ({}));
      tick += 1;
      for (const step of TOPO) {
        const status = classes[step] ?? 'none';
        if (status === 'none') continue;
        const list = seen[step];
        if (list[list.length - 1] !== status) list.push(status);
        if (status !== 'pending' && firstActive[step] === undefined) firstActive[step] = tick;
      }
      if (!shot && classes.train === 'running') {
        fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'run-live.png') });
        shot = true;
      }
      if (classes.end === 'succeeded' || Object.values(classes).includes('failed')) break;
      assert.ok(Date.now() < deadline, `the run did not finish; last classes ${JSON.stringify(classes)}`);
      await page.waitForTimeout(100);
    }
    t.diagnostic(`DAG states seen: ${JSON.stringify(seen)}`);
    for (const step of TOPO) {
      const ranks = seen[step].map((s) => RANK[s]);
      assert.deepEqual(ranks, [...ranks].sort(), `${step} went ${seen[step].join(' -> ')}`);
      assert.equal(seen[step].at(-1), 'succeeded', `${step} went ${seen[step].join(' -> ')}`);
      for (const parent of PARENTS[step] ?? []) {
        assert.ok(firstActive[parent] <= firstActive[step], `${step} started before ${parent} (${JSON.stringify(firstActive)})`);
      }
    }
    assert.ok(seen.train.includes('running'), 'the foreach step was seen running');
    assert.ok(shot, 'a screenshot of the running DAG was taken');
    assert.equal(await dag.locator('.mf-runbar__status').textContent().then((s) => s.trim().toLowerCase()), 'succeeded');
    const run = (await dag.locator('.mf-runbar__run').textContent()).trim();
    assert.match(run, /^TrainingFlow\/\d+$/);

    await openRunsView(page);
    await expandRow(page, ['TrainingFlow'], 60000);
    const row = await findRow(page, ['TrainingFlow', run.split('/')[1]], 60000);
    assert.match(row.description, /e2e/);
  });
});
