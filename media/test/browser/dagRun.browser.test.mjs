// The live run overlay of the DAG view in real Chromium, on the dev page: status classes,
// glyphs and progress pills, edges into running steps, the run header, updates that touch
// no geometry, survival across a new graph, clearing, theming and reduced motion.
// Run: npm run test:browser --workspace media (after `npm run build --workspace media`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { devPage, launchChromium, openPage, screenshot } from './harness.mjs';

const url = devPage('dag.html');
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const rendered = () => window.mfDev?.messages.some((m) => m.type === 'rendered');
const open = (query = '', options = {}) => openPage(browser, `${url}${query}`, rendered, options);
const send = (page, message) => page.evaluate((m) => window.mfDev.send(m), message);
const sendRun = (page, name) => page.evaluate((n) => window.mfDev.send({ type: 'runState', state: window.mfDev.runs[n] }), name);
const runClass = (page, step) =>
  page.evaluate((s) => [...document.querySelector(`g.mf-node[data-step="${s}"]`).classList].filter((c) => c.startsWith('mf-node--run-')), step);
const pill = (page, step) => page.locator(`g.mf-node[data-step="${step}"] .mf-run__pill-text`);
/** Everything that places the drawing: node transforms, edge paths, the view transform. */
const geometry = (page) =>
  page.evaluate(() => ({
    nodes: [...document.querySelectorAll('g.mf-node')].map((g) => `${g.dataset.step}@${g.getAttribute('transform')}`),
    edges: [...document.querySelectorAll('g.mf-edge .mf-edge__line')].map((p) => p.getAttribute('d')),
    view: document.querySelector('.mf-viewport').getAttribute('transform'),
  }));

test('a run state marks every step, pills multi-task steps and animates edges into running steps', async () => {
  const { page, context, problems } = await open();
  assert.equal(await page.locator('.mf-runbar').isHidden(), true, 'no run header before a run');
  await sendRun(page, 'running');
  await page.waitForSelector('.mf-app--run');
  assert.deepEqual(await runClass(page, 'start'), ['mf-node--run-succeeded']);
  assert.deepEqual(await runClass(page, 'worker'), ['mf-node--run-running']);
  assert.deepEqual(await runClass(page, 'gather'), ['mf-node--run-pending'], 'steps missing from the state are pending');
  assert.equal(await page.locator('g.mf-node .mf-run__glyph').count(), 14, 'one glyph per step');
  assert.equal(await pill(page, 'featurize').textContent(), '16/16');
  assert.equal(await pill(page, 'worker').textContent(), '1/4 · 1 failed');
  assert.equal(await page.locator('g.mf-node[data-step="route"] .mf-run__pill').count(), 0, 'a single task has no pill');
  const colours = await page.evaluate(() => ({
    failed: getComputedStyle(document.querySelector('g.mf-node[data-step="worker"] .mf-run__failed')).fill,
    done: getComputedStyle(document.querySelector('g.mf-node[data-step="worker"] .mf-run__done')).fill,
  }));
  assert.notEqual(colours.failed, colours.done, 'failed counts stand out');
  assert.match(await page.locator('g.mf-node[data-step="worker"]').getAttribute('aria-label'), /running, 1 of 4 tasks done, 2 running, 1 failed$/);
  assert.equal(await page.locator('g.mf-edge.mf-edge--into-running').count(), 1);
  assert.equal(await page.locator('g.mf-edge--into-running[data-from="train"][data-to="worker"]').count(), 1);
  assert.equal(await page.locator('.mf-runbar__status').textContent(), 'Running');
  assert.equal(await page.locator('.mf-runbar__run').textContent(), 'ShowcaseFlow/1732');
  assert.equal(await page.locator('.mf-runbar__summary').textContent(), '6 of 14 steps done · 1 running');
  assert.equal(await page.locator('.mf-legend--run').isVisible(), true, 'the legend explains the glyphs');
  await send(page, { type: 'export', format: 'svg' });
  await page.waitForFunction(() => window.mfDev.messages.some((m) => m.type === 'exported'));
  const exported = (await page.evaluate(() => window.mfDev.messages.find((m) => m.type === 'exported'))).data;
  assert.ok(exported.includes('1/4 · 1 failed'), 'an export shows the run as drawn');
  assert.deepEqual(await page.evaluate(() => window.mfDev.violations), []);
  assert.deepEqual(await page.evaluate(() => window.mfDev.messages.filter((m) => m.type === 'error')), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('updates change classes and text only: no node moves, same elements, same view', async () => {
  const { page, context } = await open();
  const drawn = await geometry(page);
  await sendRun(page, 'running');
  await page.waitForSelector('.mf-app--run');
  await page.evaluate(() => {
    document.querySelector('g.mf-node[data-step="worker"]').mfMarker = 'kept';
  });
  const running = await geometry(page);
  assert.deepEqual(running.nodes, drawn.nodes, 'the overlay moved no node');
  assert.deepEqual(running.edges, drawn.edges);
  await sendRun(page, 'failed');
  await page.waitForFunction(() => document.querySelector('g.mf-node[data-step="worker"]').classList.contains('mf-node--run-failed'));
  assert.deepEqual(await geometry(page), running, 'a new state moves nothing and keeps the zoom');
  assert.equal(await page.evaluate(() => document.querySelector('g.mf-node[data-step="worker"]').mfMarker), 'kept');
  assert.equal(await pill(page, 'worker').textContent(), '3/4 · 1 failed');
  assert.equal(await page.locator('g.mf-edge--into-running').count(), 0);
  assert.equal(await page.locator('.mf-runbar__status').textContent(), 'Failed');
  assert.match(await page.locator('.mf-runbar').getAttribute('class'), /mf-runbar--failed/);
  assert.equal(await page.locator('.mf-runbar__summary').textContent(), '6 of 14 steps done · 1 failed');
  assert.equal((await page.evaluate(() => window.mfDev.messages.filter((m) => m.type === 'rendered'))).length, 1, 'no redraw');
  await context.close();
});

test('the overlay survives a new graph of the same flow, changed steps included', async () => {
  const { page, context } = await open('?run=running');
  await page.waitForSelector('.mf-app--run');
  const graph = await page.evaluate(() => structuredClone(window.mfDev.graph));
  graph.steps.worker.decorators = [...graph.steps.worker.decorators, { ...graph.steps.worker.decorators[0], name: 'timeout' }];
  graph.flow_doc = 'edited while the run runs';
  await send(page, { type: 'graph', graph });
  await page.waitForFunction(() => window.mfDev.messages.filter((m) => m.type === 'rendered').length >= 2);
  assert.deepEqual(await runClass(page, 'worker'), ['mf-node--run-running'], 'a rebuilt node gets its state back');
  assert.equal(await pill(page, 'worker').textContent(), '1/4 · 1 failed');
  assert.equal(await page.locator('g.mf-node[data-step="worker"] .mf-badge').count(), 3, 'the edit is drawn');
  assert.deepEqual(await runClass(page, 'start'), ['mf-node--run-succeeded']);
  assert.equal(await page.locator('g.mf-edge--into-running').count(), 1);
  assert.equal(await page.locator('.mf-runbar').isVisible(), true);
  await context.close();
});

test('null clears the overlay; a run of another flow is not drawn; the run name is text', async () => {
  const { page, context, problems } = await open('?run=succeeded');
  await page.waitForSelector('.mf-app--run');
  assert.equal(await page.locator('.mf-node--run-succeeded').count(), 14);
  assert.equal(await page.locator('.mf-runbar__summary').textContent(), '14 of 14 steps done');
  await send(page, { type: 'runState', state: null });
  await page.waitForFunction(() => !document.querySelector('.mf-app--run'));
  assert.equal(await page.locator('g.mf-run').count(), 0);
  assert.equal(await page.locator('[class*="mf-node--run-"]').count(), 0);
  assert.equal(await page.locator('.mf-runbar').isHidden(), true);
  assert.doesNotMatch(await page.locator('g.mf-node[data-step="start"]').getAttribute('aria-label'), /succeeded/);

  const payload = '<img src=x onerror="window.mfPwned=1">';
  await page.evaluate((p) => window.mfDev.send({ type: 'runState', state: { ...window.mfDev.runs.running, run: `OtherFlow/${p}` } }), payload);
  await page.waitForTimeout(100);
  assert.equal(await page.locator('g.mf-run').count(), 0, 'another flow’s run is not drawn over this one');
  await page.evaluate((p) => window.mfDev.send({ type: 'runState', state: { ...window.mfDev.runs.running, run: `ShowcaseFlow/${p}` } }), payload);
  await page.waitForSelector('.mf-app--run');
  assert.equal(await page.locator('.mf-runbar__run').textContent(), `ShowcaseFlow/${payload}`);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.mfPwned), undefined);
  assert.deepEqual(problems, []);
  await context.close();
});

test('running steps pulse, unless the user prefers reduced motion', async () => {
  const animations = async (reducedMotion) => {
    const { page, context } = await open('?run=running', { reducedMotion });
    await page.waitForSelector('.mf-app--run');
    const names = await page.evaluate(() => ({
      halo: getComputedStyle(document.querySelector('.mf-node--run-running .mf-run__halo')).animationName,
      edge: getComputedStyle(document.querySelector('.mf-edge--into-running .mf-edge__line')).animationName,
    }));
    await context.close();
    return names;
  };
  assert.deepEqual(await animations('no-preference'), { halo: 'mf-run-pulse', edge: 'mf-run-flow' });
  assert.deepEqual(await animations('reduce'), { halo: 'none', edge: 'none' });
});

test('screenshots of a running run in light, dark and high contrast', async () => {
  for (const [name, scheme, theme] of [
    ['dag-run-light', 'light', 'vscode-light'],
    ['dag-run-dark', 'dark', 'vscode-dark'],
    ['dag-run-hc', 'dark', 'vscode-hc'],
  ]) {
    const { page, context } = await open(`?run=running&theme=${theme}`, { colorScheme: scheme, reducedMotion: 'reduce', viewport: { width: 1200, height: 760 } });
    await page.waitForSelector('.mf-app--run');
    // Zoomed on the part of the flow the run is in, so the glyphs and pills are readable.
    for (let i = 0; i < 3; i += 1) await page.locator('button[data-action="zoomIn"]').click();
    await send(page, { type: 'highlight', step: 'worker' });
    await page.waitForTimeout(150);
    await send(page, { type: 'highlight', step: null });
    await page.mouse.move(5, 700);
    await page.waitForTimeout(150);
    console.log(`# ${await screenshot(page, name)}`);
    await context.close();
  }
});
