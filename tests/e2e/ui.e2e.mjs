/**
 * The standalone UI end to end: the real `mfstudio ui` server (started here on a free port)
 * over a temp workspace whose runs are real Metaflow runs, driven in headless Chromium the
 * way a user works (links, checkboxes, the search box, DAG nodes).
 *
 * Runs: test-fixtures/runs/compare_flow.py four times (alpha 0.5 tagged e2e-a; alpha 2.0
 * tagged e2e-b, whose known differences are `score`, `part`, `summary` and the added `bonus`;
 * one failing in `join` with COMPARE_FLOW_FAIL=1; one tagged `<img ...>` with a `<script>`
 * label that `end` prints), and test-fixtures/ui/sleepy_flow.py started while the browser
 * watches it. Reference answers come from `mfstudio ... --json` on the same datastore.
 * Screenshots of every view in light and dark are written as ui-*.png into test-results/
 * (docs/images/ with MFSTUDIO_UPDATE_SCREENSHOTS=1), only when every test of the file passed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RESULTS_DIR, SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { queryCli } from './harness/runs.mjs';
import { makeWorkspace, runFlow, startFlow, startUiServer } from './harness/uiServer.mjs';

const COMPARE = 'runs/compare_flow.py';
const XSS_TAG = '<img src=x onerror=alert(1)>';
const XSS_LABEL = '<script>alert(1)</script>';
/** SleepyFlow's steps, each after its parent. */
const SLEEPY_STEPS = ['start', 'work', 'join', 'end'];
const ORDER = ['pending', 'running', 'succeeded'];
/** What differs between alpha 0.5 and alpha 2.0 (compare_flow.py's docstring): step.name -> change. */
const KNOWN_DIFFERENCES = { 'fan.part': 'changed', 'join.bonus': 'added', 'join.score': 'changed', 'end.summary': 'changed' };

let workspace;
let server;
let browser;
let page;
/** Page errors, dialogs (an XSS payload would open one) and CSP violations, per test. */
let problems = [];
let runs; // { a, b, failed, hostile, sleepy }
let allPassed = true;
let screenshotsTaken = false;
const STAGING = path.join(RESULTS_DIR, 'ui-e2e-screenshots');

/** Runs `fn` keeping a screenshot when it fails; a failure also keeps the doc screenshots as they were. */
async function step(t, fn) {
  problems = [];
  try {
    await keepScreenshotOnFailure(t, () => page, fn);
    assert.deepEqual(problems, [], 'no page error, dialog or CSP violation');
  } catch (e) {
    allPassed = false;
    throw e;
  }
}

const open = async (hash) => {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('[data-testid=app]');
};
const text = (selector) => page.locator(selector).first().textContent();
const waitHash = (pred, arg) => page.waitForFunction(pred, arg, { timeout: 30000 });

/** Each drawn step's run status from its mf-node--run-* class ('none' before the overlay). */
const dagClasses = () =>
  page.locator('[data-testid=run-dag] g.mf-node[data-step]').evaluateAll((els) =>
    Object.fromEntries(
      els.map((el) => {
        const m = /mf-node--run-(pending|running|succeeded|failed)/.exec(el.getAttribute('class') ?? '');
        return [el.getAttribute('data-step'), m ? m[1] : 'none'];
      }),
    ),
  );

/** Nothing was injected into the page from data: no element a payload could have made. */
async function assertNothingInjected() {
  assert.equal(await page.locator('#app img, #app script, #app iframe:not([data-testid=card-frame]), #app [onerror]').count(), 0, 'no injected element');
}

before(async () => {
  fs.rmSync(STAGING, { recursive: true, force: true }); // never publish a previous run's pictures
  workspace = makeWorkspace();
  const dir = workspace.dir;
  const compare = (args, idFile, extra = {}) => runFlow(dir, COMPARE, args, { flow: 'CompareFlow', idFile, ...extra });
  const [a, b, failed, hostile] = await Promise.all([
    compare(['--alpha', '0.5', '--tag', 'e2e-a'], 'a.id'),
    compare(['--alpha', '2.0', '--tag', 'e2e-b'], 'b.id'),
    compare(['--tag', 'e2e-failing'], 'failed.id', { env: { COMPARE_FLOW_FAIL: '1' }, expectOk: false }),
    compare(['--tag', XSS_TAG, '--label', XSS_LABEL], 'hostile.id'),
  ]);
  runs = { a, b, failed, hostile };
  server = await startUiServer(dir);
  browser = await launchChromium({ width: 1280, height: 900 });
  page = browser.page;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  if (code !== undefined && code !== 0) console.log(`# mfstudio ui exited ${code}:\n${server.output()}`);
  if (allPassed && screenshotsTaken) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const name of fs.readdirSync(STAGING)) fs.copyFileSync(path.join(STAGING, name), path.join(SCREENSHOT_DIR, name));
    console.log(`# screenshots refreshed in ${path.relative(process.cwd(), SCREENSHOT_DIR)}`);
  }
  workspace?.remove();
});

test('a live run: steps go pending -> running -> succeeded in flow order, logs appear as tasks end, the run ends green', { timeout: 300000 }, async (t) => {
  await step(t, async () => {
    const live = startFlow(workspace.dir, 'ui/sleepy_flow.py', ['--pause', '4', '--tag', 'e2e-live'], { flow: 'SleepyFlow', idFile: 'sleepy.id' });
    runs.sleepy = await live.runId();
    // The runs page shows the new run as running (the flow's folder exists once the id is written).
    await open(`#/?flow=SleepyFlow`);
    const row = page.locator(`tr[data-run="${runs.sleepy}"]`);
    await row.waitFor({ timeout: 60000 });
    assert.equal(await row.locator('.ui-status').textContent(), 'running');
    await row.locator('a.ui-run-link').click();
    await page.waitForSelector('[data-testid=run-dag] g.mf-node[data-step]', { timeout: 30000 });

    // Watch the DAG's classes until the end step succeeded, recording each step's changes
    // and when (in polls) it was first seen running.
    const seen = Object.fromEntries(SLEEPY_STEPS.map((s) => [s, []]));
    const firstRunning = {};
    let poll = 0;
    let endClicked = false;
    let noteWhileRunning = '';
    const deadline = Date.now() + 240000;
    for (;;) {
      const classes = await dagClasses().catch(() => ({}));
      poll += 1;
      for (const s of SLEEPY_STEPS) {
        const status = classes[s] ?? 'none';
        if (status === 'none') continue;
        if (seen[s].at(-1) !== status) seen[s].push(status);
        if (status === 'running') firstRunning[s] ??= poll;
      }
      if (classes.end === 'running' && !endClicked) {
        // Pick the running end step: its only task opens, its log is not written yet.
        endClicked = true;
        await page.click('[data-testid=run-dag] g.mf-node[data-step=end]');
        await waitHash(() => /\/task\/end\/\d+$/.test(location.hash));
        await page.waitForFunction(() => /appears when the task ends/.test(document.querySelector('[data-testid=log-note]')?.textContent ?? ''), null, { timeout: 10000 });
        noteWhileRunning = await text('[data-testid=log-note]');
      }
      if (classes.end === 'succeeded' || Object.values(classes).includes('failed')) break;
      assert.ok(Date.now() < deadline, `the run did not finish; last classes ${JSON.stringify(classes)}`);
      await page.waitForTimeout(100);
    }
    t.diagnostic(`DAG states seen: ${JSON.stringify(seen)}; first running at poll ${JSON.stringify(firstRunning)}`);
    // Only forward, one state at a time, ending succeeded; every step after start (which may
    // already have run when the page opened) was seen running.
    for (const s of SLEEPY_STEPS) {
      const ranks = seen[s].map((status) => ORDER.indexOf(status));
      assert.ok(ranks.every((r, i) => r >= 0 && (i === 0 || r === ranks[i - 1] + 1)), `${s} went ${seen[s].join(' -> ')}`);
      assert.equal(seen[s].at(-1), 'succeeded', `${s} went ${seen[s].join(' -> ')}`);
      if (s !== 'start') assert.deepEqual(seen[s].slice(-2), ['running', 'succeeded'], `${s} was seen running, then succeeded`);
    }
    for (const s of ['join', 'end']) assert.equal(seen[s][0], 'pending', `${s} was pending before it ran`);
    for (let i = 1; i < SLEEPY_STEPS.length; i++) {
      const [parent, child] = [SLEEPY_STEPS[i - 1], SLEEPY_STEPS[i]];
      assert.ok((firstRunning[parent] ?? 0) < firstRunning[child], `${parent} ran before ${child} (${JSON.stringify(firstRunning)})`);
    }
    const { code, output } = await live.done;
    assert.equal(code, 0, output);

    // Follow mode: the end task's log arrived when it ended, without a reload.
    assert.ok(endClicked, 'the end step was picked while it ran');
    assert.match(noteWhileRunning, /appears when the task ends/);
    assert.equal(await page.locator('[data-testid=log-follow]').isChecked(), true);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=log-lines] .ui-log__line')].some((l) => l.textContent.trim() === 'done'), null, { timeout: 30000 });

    // Green: the header, every node, every timeline bar (one per task: start, 2 work, join, end).
    await page.waitForFunction(() => document.querySelector('[data-testid=run-header] .ui-status')?.textContent === 'succeeded', null, { timeout: 30000 });
    assert.match(await page.locator('[data-testid=run-header] .ui-status').getAttribute('class'), /ui-status--succeeded/);
    assert.deepEqual(Object.values(await dagClasses()), SLEEPY_STEPS.map(() => 'succeeded'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=timeline] .ui-timeline__bar--succeeded').length === 5, null, { timeout: 30000 });
    assert.equal(await page.locator('[data-testid=timeline] .ui-timeline__bar').count(), 5);

    // The foreach tasks' logs, written when each ended.
    await page.click('[data-testid=step-list] a.ui-step-link >> text=work');
    await page.waitForSelector('[data-testid=task-panel] tr[data-task]');
    assert.equal(await page.locator('[data-testid=task-panel] tr[data-task]').count(), 2);
    const worked = [];
    for (const id of await page.locator('[data-testid=task-panel] tr[data-task]').evaluateAll((rows) => rows.map((r) => r.dataset.task))) {
      await page.click(`[data-testid=task-panel] tr[data-task="${id}"] a`);
      await waitHash((tid) => location.hash.endsWith(`/task/work/${tid}`), id);
      await page.waitForFunction(() => /worked on/.test(document.querySelector('[data-testid=log-lines]')?.textContent ?? ''), null, { timeout: 30000 });
      worked.push((await text('[data-testid=log-lines]')).trim());
    }
    assert.deepEqual(worked.sort(), ['worked on a', 'worked on b']);

    // Back on the runs page the run is listed as succeeded (what `mfstudio runs` says).
    await open(`#/?flow=SleepyFlow`);
    await page.waitForFunction((r) => document.querySelector(`tr[data-run="${r}"] .ui-status`)?.textContent === 'succeeded', runs.sleepy, { timeout: 30000 });
    const cli = await queryCli(workspace.dir, 'runs', 'SleepyFlow');
    assert.equal(cli.runs[0].status, 'succeeded');
  });
});

test('a failing run shows the failure first: exception type, message, traceback, the failed step', async (t) => {
  await step(t, async () => {
    await open(`#/run/${runs.failed}`);
    await page.waitForSelector('[data-testid=failure-message]', { timeout: 30000 });
    assert.equal(await text('[data-testid=run-header] .ui-status'), 'failed');
    assert.equal(await text('.ui-failure__type'), 'builtins.RuntimeError');
    assert.equal(await text('[data-testid=failure-message]'), 'join failed on purpose (COMPARE_FLOW_FAIL=1)');
    assert.match(await text('[data-testid=failure-traceback]'), /raise RuntimeError/);
    const report = await queryCli(workspace.dir, 'failures', runs.failed);
    assert.deepEqual(report.failures.map((f) => [f.step, f.exception_type]), [['join', 'builtins.RuntimeError']]);
    await page.waitForSelector('[data-testid=run-dag] g.mf-node[data-step=join].mf-node--run-failed');
    const classes = await dagClasses();
    assert.deepEqual([classes.start, classes.fan, classes.join], ['succeeded', 'succeeded', 'failed']);
    assert.notEqual(classes.end, 'succeeded');
    await page.waitForSelector('[data-testid=timeline] .ui-timeline__bar--failed');
  });
});

test('runs page: the rows are what `mfstudio runs --json` lists; search and status narrow them', async (t) => {
  await step(t, async () => {
    const cli = await queryCli(workspace.dir, 'runs', 'CompareFlow');
    await open('#/?flow=CompareFlow');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=runs-table] tr[data-run]').length === n, cli.runs.length);
    assert.ok(await page.locator('[data-testid=flow-list] a[data-flow=SleepyFlow]').count(), 'every flow is listed');
    const shown = await page.locator('[data-testid=runs-table] tr[data-run]').evaluateAll((rows) =>
      rows.map((r) => ({ pathspec: r.dataset.run, status: r.querySelector('.ui-status').textContent, tags: [...r.querySelectorAll('.ui-chip')].map((c) => c.textContent) })),
    );
    assert.deepEqual(shown, cli.runs.map((r) => ({ pathspec: r.pathspec, status: r.status, tags: r.tags })));
    assert.equal(cli.runs.length, 4);

    const rows = () => page.locator('[data-testid=runs-table] tr[data-run]').evaluateAll((els) => els.map((r) => r.dataset.run));
    await page.fill('[data-testid=filter-q]', 'e2e-b');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=runs-table] tr[data-run]').length === 1);
    assert.deepEqual(await rows(), [runs.b]);
    assert.match(await page.evaluate(() => location.hash), /q=e2e-b/);
    await page.fill('[data-testid=filter-q]', '');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=runs-table] tr[data-run]').length === 4);
    await page.selectOption('[data-testid=filter-status]', 'failed');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=runs-table] tr[data-run]').length === 1);
    assert.deepEqual(await rows(), [runs.failed]);
    assert.deepEqual((await queryCli(workspace.dir, 'runs', 'CompareFlow', '--status', 'failed')).runs.map((r) => r.pathspec), [runs.failed]);
    await page.fill('[data-testid=filter-q]', 'no-such-run');
    await page.waitForSelector('[data-testid=runs-empty]');
  });
});

test('compare alpha 0.5 with alpha 2.0: exactly the known differences, then every artifact', async (t) => {
  await step(t, async () => {
    await open('#/?flow=CompareFlow');
    await page.waitForSelector(`tr[data-run="${runs.b}"]`);
    await page.check(`tr[data-run="${runs.a}"] input[type=checkbox]`);
    await page.check(`tr[data-run="${runs.b}"] input[type=checkbox]`);
    await page.click('[data-testid=compare-selected]');
    await page.waitForSelector('[data-testid=compare-view] .ui-compare-artifacts tbody tr');
    // Rows are listed newest first, so the baseline is the newer run.
    const hash = decodeURIComponent(await page.evaluate(() => location.hash));
    const [baseline, other] = hash.replace('#/compare?runs=', '').split(',');
    assert.deepEqual([baseline, other].sort(), [runs.a, runs.b].sort());
    if (baseline !== runs.a) {
      await open(`#/compare?runs=${runs.a},${runs.b}`);
      await page.waitForSelector('[data-testid=compare-view] .ui-compare-artifacts tbody tr');
    }
    assert.equal(await page.locator('[data-testid=differences-only]').isChecked(), true);
    const params = await page.locator('.ui-compare-params tbody tr').evaluateAll((rs) => rs.map((r) => [r.dataset.name, [...r.cells].slice(1).map((c) => c.textContent.trim())]));
    assert.deepEqual(params, [['alpha', ['0.5', '2.0']]]);
    const changes = () => page.locator('.ui-compare-artifacts tbody tr').evaluateAll((rs) => Object.fromEntries(rs.map((r) => [r.dataset.artifact, r.dataset.change])));
    assert.deepEqual(await changes(), KNOWN_DIFFERENCES);
    const score = page.locator('.ui-compare-artifacts tr[data-artifact="join.score"]');
    assert.match(await score.textContent(), /7\.5.*12\.0/);
    assert.equal((await score.locator('[data-testid=delta]').textContent()).trim(), '+4.5 (+60%)');
    assert.match(await page.locator('.ui-compare-artifacts tr[data-artifact="end.summary"]').textContent(), /'plain: 7\.50'.*'plain: 12\.00'/);

    // The CLI agrees, and with differences off the shared artifacts show as the same.
    const cli = await queryCli(workspace.dir, 'compare', runs.a, runs.b);
    assert.deepEqual(Object.fromEntries(cli.artifacts.filter((x) => x.status !== 'same').map((x) => [`${x.step}.${x.name}`, x.status])), KNOWN_DIFFERENCES);
    await page.uncheck('[data-testid=differences-only]');
    const all = await changes();
    assert.deepEqual(all, Object.fromEntries(cli.artifacts.map((x) => [`${x.step}.${x.name}`, x.status])));
    for (const same of ['start.base', 'start.constant', 'start.items']) assert.equal(all[same], 'same', same);
    assert.deepEqual(await page.locator('.ui-compare-params tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.name)), ['alpha', 'label']);
  });
});

test('lineage of score: produced by join, read by end (as `mfstudio lineage` says); a node opens its step', async (t) => {
  await step(t, async () => {
    // Reached the way a user does: the join task's artifacts, then the Lineage link.
    await open(`#/run/${runs.a}/step/join`);
    await waitHash(() => /\/task\/join\/\d+$/.test(location.hash));
    await page.click('.ui-tab[data-tab=artifacts]');
    await page.click('button[data-artifact=score]');
    await page.waitForSelector('[data-testid=artifact-preview-text]');
    assert.equal(await text('[data-testid=artifact-preview-text]'), '7.5');
    await page.click('tr:has(button[data-artifact=score]) a:text("Lineage")');
    await page.waitForSelector('[data-testid=lineage-view] g.ui-lineage__node');
    assert.equal(await page.evaluate(() => location.hash), `#/lineage/${runs.a}/score`);

    const nodes = await page.locator('g.ui-lineage__node').evaluateAll((gs) => gs.map((g) => [g.dataset.node, g.dataset.role]));
    assert.deepEqual(nodes.sort(), [[`${runs.a}/end`, 'read'], [`${runs.a}/join`, 'produced']]);
    const cli = await queryCli(workspace.dir, 'lineage', runs.a, 'score');
    assert.deepEqual([cli.producers, cli.readers], [[`${runs.a}/join`], [`${runs.a}/end`]]);
    assert.equal(await page.locator('g.ui-lineage__edge').count(), cli.edges.length);

    await page.click(`g.ui-lineage__node[data-node="${runs.a}/end"]`);
    await waitHash((r) => location.hash.startsWith(`#/run/${r}/task/end/`), runs.a);
  });
});

test('HTML in a run tag and a <script> log line show as text: no dialog, no element injected', async (t) => {
  await step(t, async () => {
    await open('#/?flow=CompareFlow');
    const row = page.locator(`tr[data-run="${runs.hostile}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.ui-chip').textContent(), XSS_TAG);
    await row.locator('a.ui-run-link').click();
    await page.waitForSelector('[data-testid=run-tags] .ui-chip');
    assert.equal(await text('[data-testid=run-tags] .ui-chip'), XSS_TAG);
    assert.ok((await text('[data-testid=run-params]')).includes(XSS_LABEL), 'the parameter shows as typed');
    await page.click('[data-testid=step-list] a.ui-step-link >> text=end');
    await page.waitForSelector('[data-testid=log-lines] .ui-log__line');
    assert.equal(await text('[data-testid=log-lines] .ui-log__line'), `${XSS_LABEL}: 7.50\n`);
    await page.click('.ui-tab[data-tab=artifacts]');
    await page.click('button[data-artifact=summary]');
    await page.waitForSelector('[data-testid=artifact-preview-text]');
    assert.equal(await text('[data-testid=artifact-preview-text]'), `${XSS_LABEL}: 7.50`);
    await page.waitForTimeout(300); // give an injected onerror handler every chance to fire
    await assertNothingInjected();
  });
});

test('screenshots of every view in light and dark (docs/images/ui-*.png once all pass)', async (t) => {
  await step(t, async () => {
    fs.mkdirSync(STAGING, { recursive: true });
    const views = [
      ['runs', '#/?flow=CompareFlow', '[data-testid=runs-table] tr[data-run]'],
      ['run', `#/run/${runs.failed}/step/join`, '[data-testid=run-dag] g.mf-node.mf-node--run-failed'],
      ['compare', `#/compare?runs=${runs.a},${runs.b}`, '.ui-compare-artifacts tbody tr'],
      // `base`: made in start, passed through the foreach, read by join, passed on to end.
      ['lineage', `#/lineage/${runs.a}/base`, 'g.ui-lineage__node[data-role=read]'],
    ];
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      for (const [name, hash, ready] of views) {
        await open(hash);
        await page.waitForSelector(ready, { timeout: 30000 });
        if (name === 'run') {
          await page.waitForSelector('[data-testid=log-lines], [data-testid=log-note]');
          await page.waitForSelector('[data-testid=timeline] .ui-timeline__bar');
        }
        await page.waitForTimeout(300); // the DAG's entry transition
        assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), colorScheme === 'dark');
        await page.screenshot({ path: path.join(STAGING, `ui-${name}-${colorScheme}.png`), fullPage: true });
      }
    }
    assert.equal(fs.readdirSync(STAGING).length, 8);
    screenshotsTaken = true;
  });
});
