// The single-page UI (src/ui/) in real Chromium, on the dev page (dev/ui.html) whose fake
// StudioApi serves real query-layer output (dev/ui-fixtures.ts): every view renders, filters
// and paging ask for the right paths, live events update the page, the theme persists, and
// HTML/JS payloads in tags, users, parameters, log lines and artifact values stay text.
// Run: npm run test:browser --workspace media (after `npm run build --workspace media`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { devPage, launchChromium, openPage, screenshot } from './harness.mjs';

const url = devPage('ui.html');
const OK = 'TrainingFlow/1795734765102659';
const FAILED = 'TrainingFlow/1795734765081785';
const HOSTILE = 'TrainingFlow/1795734799000000';
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const open = (hash, query = '', options = {}) =>
  openPage(browser, `${url}${query}${hash}`, () => document.querySelector('[data-testid=app]') !== null, options);
const requests = (page) => page.evaluate(() => window.mfUi.requests);
const lastRequest = async (page, prefix) => (await requests(page)).filter((p) => p.startsWith(prefix)).at(-1);
const param = (path, name) => new URL(path, 'http://x').searchParams.getAll(name);
/** Nothing the page must never do: run a payload, break the CSP, throw. */
async function assertClean(page, problems) {
  assert.deepEqual(problems, [], 'no page error, no dialog');
  assert.deepEqual(await page.evaluate(() => window.mfUi.violations), [], 'no CSP violation');
  assert.equal(await page.locator('#app img, #app script, #app iframe:not([data-testid=card-frame])').count(), 0, 'no injected element');
}

test('runs view: flows, the table, filters and search ask the server, paging by cursor', async () => {
  const { page, context, problems } = await open('#/?flow=TrainingFlow');
  await page.waitForSelector('[data-testid=runs-table] tr[data-run]');
  assert.equal(await page.locator('[data-testid=flow-list] a[data-flow]').count(), 2);
  assert.equal(await page.locator('tr[data-run]').count(), 3);
  assert.equal(await page.locator(`tr[data-run="${FAILED}"] .ui-status`).textContent(), 'failed');
  assert.equal(await page.locator(`tr[data-run="${OK}"] .ui-chip`).textContent(), 'baseline');
  assert.equal(param(await lastRequest(page, '/api/runs'), 'flow')[0], 'TrainingFlow');

  await page.selectOption('[data-testid=filter-status]', 'failed');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 1);
  assert.deepEqual(param(await lastRequest(page, '/api/runs'), 'status'), ['failed']);
  assert.match(await page.evaluate(() => location.hash), /status=failed/, 'filters live in the URL');

  await page.selectOption('[data-testid=filter-status]', '');
  await page.fill('[data-testid=filter-tag]', 'baseline');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 1);
  assert.deepEqual(param(await lastRequest(page, '/api/runs'), 'tag'), ['baseline']);
  await page.fill('[data-testid=filter-tag]', '');
  await page.fill('[data-testid=filter-q]', '0817');
  await page.waitForFunction(() => window.mfUi.requests.at(-1).includes('q=0817'));
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 1);
  assert.equal(await page.locator(`tr[data-run="${FAILED}"]`).count(), 1);
  await page.fill('[data-testid=filter-q]', 'no-such-run');
  await page.waitForSelector('[data-testid=runs-empty]');
  await page.fill('[data-testid=filter-q]', '');
  await page.selectOption('[data-testid=filter-since]', '24h');
  await page.waitForFunction(() => window.mfUi.requests.at(-1).includes('since='));
  const since = Number(param(await lastRequest(page, '/api/runs'), 'since')[0]);
  assert.ok(Math.abs(since - (Date.now() / 1000 - 86_400)) < 120, 'since is an epoch 24 hours ago');

  // BigFlow: 5,000 runs, a page at a time.
  await page.click('[data-testid=flow-list] a[data-flow=BigFlow]');
  await page.selectOption('[data-testid=filter-since]', '');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run^="BigFlow/"]').length === 50);
  await page.click('[data-testid=load-more]');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 100);
  assert.deepEqual(param(await lastRequest(page, '/api/runs'), 'cursor'), ['50']);
  // Live: a `runs` event refetches what is shown (both pages).
  const before = (await requests(page)).length;
  assert.equal(await page.evaluate(() => window.mfUi.emit('runs', { type: 'runs', flow: 'BigFlow' })), 1, 'one runs subscription');
  await page.waitForFunction((n) => window.mfUi.requests.length > n, before);
  assert.deepEqual(param(await lastRequest(page, '/api/runs'), 'limit'), ['100']);
  await assertClean(page, problems);
  await context.close();
});

test('runs page first paint with a 20-run page (measured, not asserted)', async () => {
  const { page, context } = await open('#/?flow=BigFlow', '?pageSize=20');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 20);
  await page.waitForFunction(() => window.mfUi.marks.runsPainted !== null);
  const { start, runsPainted } = await page.evaluate(() => window.mfUi.marks);
  console.log(`# runs page, 20 of 5,000 runs: painted ${Math.round(runsPainted - start)} ms after the app's script started (${Math.round(runsPainted)} ms after navigation start; fake API, unminified dev bundle)`);
  assert.equal(await page.locator('[data-testid=load-more]').isVisible(), true);
  await context.close();
});

test('select two runs and compare them; differences only is on by default and toggles', async () => {
  const { page, context, problems } = await open('#/?flow=TrainingFlow');
  await page.waitForSelector('tr[data-run]');
  assert.equal(await page.locator('[data-testid=compare-selected]').isDisabled(), true);
  await page.check(`tr[data-run="${OK}"] input[type=checkbox]`);
  await page.check(`tr[data-run="${FAILED}"] input[type=checkbox]`);
  await page.click('[data-testid=compare-selected]');
  await page.waitForSelector('[data-testid=compare-view] .ui-compare-artifacts');
  assert.equal(await page.evaluate(() => location.hash), `#/compare?runs=${OK},${FAILED}`);
  assert.equal(await page.locator('[data-testid=differences-only]').isChecked(), true);
  assert.deepEqual(await page.locator('.ui-compare-params tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.name)), ['learning_rates']);
  const changes = await page.locator('.ui-compare-artifacts tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.change));
  assert.ok(changes.length > 0 && !changes.includes('same'), 'same artifacts hidden');
  assert.equal(await page.locator('.ui-compare-artifacts tr[data-artifact="evaluate.eval_error"] .ui-badge').textContent(), 'removed');
  const shown = await page.locator('.ui-compare-artifacts tbody tr').count();
  await page.uncheck('[data-testid=differences-only]');
  assert.equal(await page.locator('.ui-compare-params tbody tr').count(), 2);
  assert.ok((await page.locator('.ui-compare-artifacts tbody tr').count()) > shown);
  assert.equal(await page.locator('.ui-compare-artifacts tr[data-artifact="start.data"] .ui-badge').textContent(), 'same');
  assert.match(await page.locator('.ui-compare-steps tr[data-step=train]').textContent(), /failed/);
  await assertClean(page, problems);

  // Numeric artifacts get deltas and a chart (the fake compares other runs from their summaries).
  await page.evaluate((h) => (location.hash = h), `#/compare?runs=${OK},${HOSTILE}`);
  await page.waitForSelector('.ui-compare-artifacts tr[data-artifact="end.loss"]');
  assert.equal(await page.locator('tr[data-artifact="end.loss"] [data-testid=delta]').textContent(), ' −0.125 (−50%)');
  assert.equal(await page.locator('tr[data-artifact="end.loss"] svg.ui-chart rect').count(), 2);
  await context.close();
});

test('run view: header, failure first, the live DAG, timeline, steps, tasks and their tabs', async () => {
  const { page, context, problems } = await open(`#/run/${FAILED}`);
  await page.waitForSelector('[data-testid=run-header] .ui-status');
  await page.waitForSelector('[data-testid=run-dag] g.mf-node.mf-node--run-failed');
  assert.equal(await page.locator('[data-testid=run-header] .ui-status').textContent(), 'failed');
  assert.match(await page.locator('[data-testid=run-params]').textContent(), /learning_rates'0\.01,0\.1,50'/);
  await page.waitForSelector('[data-testid=failure-message]');
  assert.equal(await page.locator('[data-testid=failure-message]').textContent(), 'training diverged at learning rate 50.0 (epoch 2)');
  assert.match(await page.locator('[data-testid=failure-traceback]').textContent(), /FloatingPointError: training diverged/);
  assert.deepEqual(await page.locator('g.mf-node[data-step=train]').evaluate((g) => [...g.classList].filter((c) => c.startsWith('mf-node--run-'))), ['mf-node--run-failed']);
  assert.equal(await page.locator('g.mf-node[data-step=train] .mf-run__pill-text').textContent(), '2/3 · 1 failed', 'foreach counts');
  assert.equal(await page.locator('[data-testid=timeline] .ui-timeline__bar').count(), 5, 'one bar per task attempt');
  assert.equal(await page.locator('[data-testid=timeline] .ui-timeline__bar--failed').count(), 2);
  assert.match(await page.locator('[data-testid=timeline] .ui-timeline__bar--failed title').first().textContent(), /train\/4 attempt \d: failed/);

  // Live: a run event marks a step running (pulsing) without redrawing the graph.
  const drawn = await page.locator('g.mf-node[data-step=choose]').getAttribute('transform');
  await page.evaluate((run) => {
    const ok = { status: 'succeeded', tasks: { running: 0, succeeded: 1, failed: 0 }, expected: null };
    const step = (name, running, succeeded) => ({ name, tasks: { running, succeeded, failed: 0 }, started_at: 1795734766, finished_at: null, duration_s: 1, first_failure: null });
    window.mfUi.emit('run', {
      type: 'run',
      state: { run, status: 'running', steps: { start: ok, train: { status: 'succeeded', tasks: { running: 0, succeeded: 3, failed: 0 }, expected: 3 }, choose: { status: 'running', tasks: { running: 1, succeeded: 0, failed: 0 }, expected: null } } },
      summary: { run: { pathspec: run, flow: 'TrainingFlow', run_id: run.split('/')[1], status: 'running', started_at: 1795734765.083, finished_at: null, duration_s: 5, user: 'demo', tags: [], system_tags: [], parameters: {}, origin_run_id: null }, steps: [step('start', 0, 1), step('train', 0, 3), step('choose', 1, 0)], cost: { files_read: 0, bytes_read: 0, dirs_listed: 0, stats: 0, requests: 0 }, problems: [] },
    });
  }, FAILED);
  await page.waitForSelector('g.mf-node[data-step=choose].mf-node--run-running');
  assert.equal(await page.locator('g.mf-node[data-step=choose]').getAttribute('transform'), drawn);
  assert.equal(await page.locator('[data-testid=run-header] .ui-status').textContent(), 'running');
  assert.notEqual(await page.locator('g.mf-node[data-step=choose] .mf-run__mark').evaluate((e) => getComputedStyle(e).animationName), 'none', 'running steps pulse');

  // A click on a DAG node picks the step; its only task opens; its log streams.
  await page.click('g.mf-node[data-step=start]');
  await page.waitForFunction(() => location.hash.endsWith('/task/start/1'));
  await page.waitForSelector('[data-testid=log-lines] .ui-log__line');
  assert.ok((await page.evaluate(() => window.mfUi.subscriptions)).some((s) => s.topic.topic === 'log' && s.topic.task.endsWith('/start/1')));
  await page.selectOption('[data-testid=log-stream]', 'stderr');
  await page.waitForFunction(() => window.mfUi.subscriptions.some((s) => s.topic.topic === 'log' && s.topic.stream === 'stderr'));
  assert.equal((await page.evaluate(() => window.mfUi.subscriptions)).filter((s) => s.topic.topic === 'log').length, 1, 'the stdout subscription ended');
  await page.evaluate(() => window.mfUi.emit('log', { type: 'log', task: 'x', stream: 'stderr', lines: [], reset: true, available: false }));
  assert.match(await page.locator('[data-testid=log-note]').textContent(), /appears when the task ends/);
  await page.evaluate(() => window.mfUi.emit('log', { type: 'log', task: 'x', stream: 'stderr', lines: [{ text: 'appended', timestamp: null, source: 'task' }], reset: false, available: true }));
  assert.equal(await page.locator('[data-testid=log-lines] .ui-log__line').last().textContent(), 'appended\n');
  // Follow off: one bounded GET instead of the subscription.
  // Other requests (the run's own refresh) may come after it, so count rather than look at the last one.
  const logGets = (n) => window.mfUi.requests.filter((p) => p.startsWith('/api/logs/')).length > n;
  const before = (await requests(page)).filter((p) => p.startsWith('/api/logs/')).length;
  await page.uncheck('[data-testid=log-follow]');
  await page.waitForFunction(logGets, before);
  assert.match(await lastRequest(page, '/api/logs/'), /stream=stderr&tail=\d+/);
  assert.equal((await page.evaluate(() => window.mfUi.subscriptions)).filter((s) => s.topic.topic === 'log').length, 0);

  // Steps list and the task table of a foreach step.
  await page.click('[data-testid=step-list] a.ui-step-link >> text=train');
  await page.waitForSelector('[data-testid=task-panel] tr[data-task="4"]');
  assert.equal(await page.locator('[data-testid=task-panel] tr[data-task]').count(), 3);
  await page.click('[data-testid=task-panel] tr[data-task="4"] a');
  await page.waitForFunction(() => location.hash.endsWith('/task/train/4'));
  await assertClean(page, problems);
  await context.close();
});

test('artifacts preview as text with a lineage link; cards load in a sandbox without same-origin', async () => {
  const { page, context, problems } = await open(`#/run/${OK}/task/report/8`);
  await page.waitForSelector('[data-testid=log-lines]');
  await page.click('.ui-tab[data-tab=artifacts]');
  await page.click('button[data-artifact=model]');
  await page.waitForSelector('[data-testid=artifact-preview-text]');
  assert.equal(await page.locator('[data-testid=artifact-preview-text]').textContent(), '(1.9999970024666305, 1.0000339112170493)');
  assert.ok((await requests(page)).includes(`/api/artifact/${OK}/report/8/model`));
  await page.click('.ui-tab[data-tab=cards]');
  await page.waitForSelector('[data-testid=card-frame]');
  const frame = page.locator('[data-testid=card-frame]');
  assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
  assert.ok(!(await frame.getAttribute('sandbox')).includes('allow-same-origin'));
  await page.click('.ui-tab[data-tab=artifacts]');
  await page.click('tr:has(button[data-artifact=model]) a:text("Lineage")');
  await page.waitForSelector('[data-testid=lineage-view] g.ui-lineage__node');
  assert.equal(await page.evaluate(() => location.hash), `#/lineage/${OK}/model`);
  await assertClean(page, problems);
  await context.close();
});

test('lineage view: nodes by role, edges, a click opens that run and step', async () => {
  const { page, context, problems } = await open(`#/lineage/${OK}/model`);
  await page.waitForSelector('g.ui-lineage__node');
  assert.equal(await page.locator('g.ui-lineage__node').count(), 7);
  assert.equal(await page.locator('g.ui-lineage__node--produced').getAttribute('data-node'), `${OK}/train`);
  assert.equal(await page.locator('g.ui-lineage__node--read').getAttribute('data-node'), `${OK}/evaluate`);
  assert.ok((await page.locator('g.ui-lineage__edge').count()) >= 6);
  await page.click(`g.ui-lineage__node[data-node="${OK}/evaluate"]`);
  await page.waitForSelector('[data-testid=run-view]');
  // Its only task opens at once (the route is replaced, so Back returns to the lineage).
  await page.waitForFunction((h) => location.hash === h, `#/run/${OK}/task/evaluate/7`);
  await page.goBack();
  await page.waitForSelector('[data-testid=lineage-view]');
  await page.goForward();
  await page.waitForSelector('[data-testid=run-view]');
  await assertClean(page, problems);
  await context.close();
});

test('a 200-step run DAG renders (time measured, not asserted)', async () => {
  const { page, context } = await open('#/run/BigFlow/1799999999999');
  await page.waitForSelector('[data-testid=run-dag][data-millis]');
  const { nodes, millis } = await page.locator('[data-testid=run-dag]').evaluate((e) => ({ nodes: Number(e.dataset.nodes), millis: Number(e.dataset.millis) }));
  assert.equal(nodes, 200);
  console.log(`# run view, 200-step DAG: drawn in ${millis} ms (cold page)`);
  await context.close();
});

test('errors show the server message and nearest runs as links; unknown hashes say so', async () => {
  const { page, context, problems } = await open('#/run/TrainingFlow/99');
  await page.waitForSelector('[data-testid=error-banner]');
  assert.match(await page.locator('[data-testid=error-banner]').first().textContent(), /No run TrainingFlow\/99/);
  const suggestions = page.locator('[data-testid=error-banner] a.ui-error__suggestion');
  assert.deepEqual(await suggestions.allTextContents(), [OK, FAILED]);
  await suggestions.first().click();
  await page.waitForFunction((h) => location.hash === h, `#/run/${OK}`);
  await page.waitForSelector('[data-testid=run-header] .ui-status');
  await page.evaluate(() => (location.hash = '#/nowhere/at/all'));
  await page.waitForSelector('[data-testid=error-banner]');
  assert.match(await page.locator('[data-testid=error-banner]').textContent(), /Nothing lives at #\/nowhere/);
  await page.evaluate(() => (location.hash = '#/lineage/TrainingFlow/1795734765102659/nope'));
  await page.waitForSelector('[data-testid=error-banner] a.ui-error__suggestion');
  await assertClean(page, problems);
  await context.close();
});

test('HTML and JavaScript in tags, users, parameters, log lines and artifact values stay text', async () => {
  const { page, context, problems } = await open('#/?flow=TrainingFlow');
  const xss = await page.evaluate(() => window.mfUi.xss);
  await page.waitForSelector(`tr[data-run="${HOSTILE}"]`);
  const row = page.locator(`tr[data-run="${HOSTILE}"]`);
  assert.equal(await row.locator('.ui-chip').first().textContent(), xss);
  assert.ok((await row.textContent()).includes(xss), 'the user shows as typed');
  await row.locator('a.ui-run-link').click();
  await page.waitForSelector('[data-testid=run-tags] .ui-chip');
  assert.equal(await page.locator('[data-testid=run-tags] .ui-chip').first().textContent(), xss);
  assert.ok((await page.locator('[data-testid=run-params]').textContent()).includes(xss));
  await page.click('[data-testid=step-list] a.ui-step-link >> text=end');
  await page.waitForSelector('[data-testid=log-lines] .ui-log__line');
  assert.equal(await page.locator('[data-testid=log-lines] .ui-log__line').first().textContent(), `${xss}\n`);
  await page.click('.ui-tab[data-tab=artifacts]');
  await page.click('button[data-artifact=name]');
  await page.waitForSelector('[data-testid=artifact-preview-text]');
  assert.equal(await page.locator('[data-testid=artifact-preview-text]').textContent(), xss);
  await page.evaluate((h) => (location.hash = h), `#/compare?runs=${OK},${HOSTILE}`);
  await page.waitForSelector('tr[data-artifact="end.note"]');
  assert.ok((await page.locator('tr[data-artifact="end.note"]').textContent()).includes(xss));
  await page.waitForTimeout(200); // give an injected onerror handler every chance to fire
  await assertClean(page, problems);
  await context.close();
});

test('theme: follows the system by default, the toggle switches and persists across reloads', async () => {
  const { page, context, problems } = await open(`#/run/${OK}`, '', { colorScheme: 'light' });
  await page.waitForSelector('[data-testid=run-header] .ui-status');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await page.locator('[data-testid=theme-toggle]').inputValue(), 'auto');
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(), 'rgb(27, 29, 33)', 'auto follows prefers-color-scheme');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.selectOption('[data-testid=theme-toggle]', 'dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(), 'rgb(27, 29, 33)');
  await page.reload();
  await page.waitForSelector('[data-testid=theme-toggle]');
  assert.equal(await page.locator('[data-testid=theme-toggle]').inputValue(), 'dark', 'persisted');
  assert.equal(await background(), 'rgb(27, 29, 33)');
  await page.selectOption('[data-testid=theme-toggle]', 'hc');
  assert.equal(await background(), 'rgb(0, 0, 0)');
  assert.equal(await page.locator('.ui-chip').first().evaluate((e) => getComputedStyle(e).borderTopColor), 'rgb(111, 195, 223)', 'high contrast draws borders');
  await page.selectOption('[data-testid=theme-toggle]', 'auto');
  assert.equal(await page.evaluate(() => localStorage.getItem('mfstudio.ui.theme')), null);
  await assertClean(page, problems);
  await context.close();
});

test('screenshots of each view in light and dark (docs/images with MFSTUDIO_UPDATE_SCREENSHOTS=1)', async () => {
  const views = [
    ['runs', '#/?flow=TrainingFlow', 'tr[data-run]'],
    ['run', `#/run/${FAILED}/task/train/4`, '[data-testid=run-dag] g.mf-node.mf-node--run-failed'],
    ['compare', `#/compare?runs=${OK},${FAILED}`, '.ui-compare-artifacts'],
    ['lineage', `#/lineage/${OK}/model`, 'g.ui-lineage__node'],
  ];
  for (const colorScheme of ['light', 'dark']) {
    for (const [name, hash, ready] of views) {
      const { page, context, problems } = await open(hash, '', { colorScheme, viewport: { width: 1280, height: 900 } });
      await page.waitForSelector(ready);
      await page.waitForTimeout(300); // the DAG's entry transition
      await screenshot(page, `ui-dev-${name}-${colorScheme}`, { fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    }
  }
});
