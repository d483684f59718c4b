// The DAG view in real Chromium, on the dev page (dev/dag.html, same CSP as the VS Code
// host): node count, clicks, highlight, in-place updates, export, saved state, XSS
// payloads, render time of 200 steps. Run: npm run test:browser --workspace media
// (after `npm run build --workspace media`). Needs /usr/bin/chromium (or $CHROMIUM).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const pageUrl = pathToFileURL(join(here, '..', '..', 'dev', 'dag.html')).href;
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
});
after(async () => browser?.close());

/** Opens the dev page; resolves once the view reported `rendered`. */
async function open(query = '', viewport = { width: 1100, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${pageUrl}${query}`);
  await page.waitForFunction(() => window.mfDev?.messages.some((m) => m.type === 'rendered'));
  return { page, context, problems };
}

const messages = (page, type) => page.evaluate((t) => window.mfDev.messages.filter((m) => m.type === t), type);
const transform = (page) => page.evaluate(() => document.querySelector('.mf-viewport')?.getAttribute('transform'));
const send = (page, message) => page.evaluate((m) => window.mfDev.send(m), message);

test('draws one .mf-node per step, says ready and rendered, no CSP violation', async () => {
  const { page, context, problems } = await open();
  const steps = await page.evaluate(() => Object.keys(window.mfDev.graph.steps).length);
  assert.equal(await page.locator('g.mf-node[data-step]').count(), steps);
  assert.equal((await messages(page, 'ready')).length, 1);
  const [rendered] = await messages(page, 'rendered');
  assert.equal(rendered.nodes, steps);
  assert.equal(rendered.flow, 'ShowcaseFlow');
  assert.ok(rendered.millis > 0);
  assert.deepEqual(await page.evaluate(() => window.mfDev.violations), []);
  assert.equal(await page.locator('g.mf-node--split-foreach[data-step="ingest"] .mf-node__stack').count(), 2);
  assert.equal(await page.locator('g.mf-edge[data-from="tune"][data-to="tune"]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('docstrings, names and defaults with markup render as text; nothing executes', async () => {
  const { page, context, problems } = await open();
  const graph = await page.evaluate(() => structuredClone(window.mfDev.graph));
  const payload = '<img src=x onerror="window.mfPwned=1"><script>window.mfPwned=2</script>';
  graph.flow = `Evil${payload}`;
  graph.steps.start.doc = payload;
  graph.parameters[0].default = payload;
  graph.flow_decorators[0].attributes = { name: payload };
  const renamed = {};
  for (const [name, step] of Object.entries(graph.steps)) {
    renamed[name === 'report' ? `report${payload}` : name] = { ...step, next: step.next.map((n) => (n === 'report' ? `report${payload}` : n)) };
  }
  graph.steps = renamed;
  await send(page, { type: 'graph', graph });
  await page.waitForFunction(() => window.mfDev.messages.filter((m) => m.type === 'rendered').length >= 2);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.mfPwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 2); // dev.js and dag.js only
  assert.equal(await page.locator('.mf-title').textContent(), `Evil${payload}`);
  assert.match(await page.locator('g.mf-node[data-step="start"] > title').textContent(), /<script>window\.mfPwned=2<\/script>/);
  const names = await page.evaluate(() => [...document.querySelectorAll('g.mf-node')].map((g) => g.getAttribute('data-step')));
  assert.ok(names.includes(`report${payload}`), 'the step name is kept verbatim as data');
  assert.deepEqual(await page.evaluate(() => window.mfDev.violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('clicking a node asks the host to reveal the step; a drag does not', async () => {
  const { page, context } = await open();
  await page.locator('g.mf-node[data-step="merge"]').click();
  assert.deepEqual(await messages(page, 'revealStep'), [{ type: 'revealStep', step: 'merge' }]);
  assert.equal(await page.locator('g.mf-node--selected').getAttribute('data-step'), 'merge');
  const box = await page.locator('g.mf-node[data-step="route"]').boundingBox();
  const before = await transform(page);
  await page.mouse.move(box.x + 20, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 60, { steps: 5 });
  await page.mouse.up();
  assert.equal((await messages(page, 'revealStep')).length, 1, 'a drag is a pan, not a click');
  assert.notEqual(await transform(page), before);
  await context.close();
});

test('highlight selects the node and pans it on screen without changing the zoom', async () => {
  const { page, context } = await open('', { width: 900, height: 500 });
  for (let i = 0; i < 4; i += 1) await page.locator('button[data-action="zoomIn"]').click();
  const zoomed = await transform(page);
  const scale = zoomed.match(/scale\(([\d.]+)\)/)[1];
  await send(page, { type: 'highlight', step: 'end' });
  await page.waitForSelector('g.mf-node--selected[data-step="end"]');
  const after = await transform(page);
  assert.notEqual(after, zoomed, 'panned');
  assert.equal(after.match(/scale\(([\d.]+)\)/)[1], scale, 'same zoom');
  const node = await page.locator('g.mf-node[data-step="end"]').boundingBox();
  const stage = await page.locator('.mf-canvas').boundingBox();
  assert.ok(node.y >= stage.y && node.y + node.height <= stage.y + stage.height, 'on screen');
  await send(page, { type: 'highlight', step: null });
  await page.waitForFunction(() => !document.querySelector('.mf-node--selected'));
  await context.close();
});

test('a new graph of the same flow updates in place and keeps zoom and pan; another flow fits', async () => {
  const { page, context } = await open();
  await page.locator('button[data-action="zoomIn"]').click();
  await page.evaluate(() => {
    document.querySelector('g.mf-node[data-step="merge"]').mfMarker = 'kept';
  });
  const before = await transform(page);
  const graph = await page.evaluate(() => structuredClone(window.mfDev.graph));
  graph.steps.extra = { ...graph.steps.report, next: ['summarize'], decorators: [] };
  graph.steps.publish.next = [...graph.steps.publish.next, 'extra'];
  await send(page, { type: 'graph', graph });
  await page.waitForFunction(() => window.mfDev.messages.filter((m) => m.type === 'rendered').length >= 2);
  assert.equal(await page.locator('g.mf-node').count(), 15);
  assert.equal(await page.evaluate(() => document.querySelector('g.mf-node[data-step="merge"]').mfMarker), 'kept');
  assert.equal(await transform(page), before);
  await send(page, { type: 'graph', graph: { ...graph, flow: 'OtherFlow' } });
  await page.waitForFunction(() => window.mfDev.messages.filter((m) => m.type === 'rendered').length >= 3);
  assert.notEqual(await transform(page), before, 'a different flow is fitted');
  await context.close();
});

test('export: a standalone SVG with colours inlined and text escaped, and a PNG', async () => {
  const { page, context } = await open();
  await send(page, { type: 'export', format: 'svg' });
  await page.waitForFunction(() => window.mfDev.messages.some((m) => m.type === 'exported'));
  const [svg] = await messages(page, 'exported');
  assert.equal(svg.format, 'svg');
  assert.ok(svg.data.startsWith('<?xml'));
  assert.ok(!svg.data.includes('var(--'), 'no CSS variables left');
  assert.ok(!/<script/i.test(svg.data));
  assert.ok(svg.data.includes('&lt;script&gt;alert('), 'the docstring payload is escaped text');
  assert.match(svg.data, /fill="#[0-9a-f]{6}"/);
  assert.equal((svg.data.match(/class="mf-node /g) ?? []).length, 14);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName };
  }, svg.data);
  assert.deepEqual(parsed, { error: null, root: 'svg' });

  await send(page, { type: 'export', format: 'png' });
  await page.waitForFunction(() => window.mfDev.messages.filter((m) => m.type === 'exported').length >= 2);
  const png = (await messages(page, 'exported'))[1];
  assert.equal(png.format, 'png');
  assert.ok(png.data.startsWith('data:image/png;base64,'));
  const bytes = Buffer.from(png.data.slice('data:image/png;base64,'.length), 'base64');
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(bytes.readUInt32BE(16) > 300 && bytes.readUInt32BE(20) > 600, 'drawn at a useful size');
  assert.deepEqual(await messages(page, 'error'), []);
  await context.close();
});

test('the graph, zoom and pan survive a reload (host state)', async () => {
  const { page, context } = await open();
  await page.locator('button[data-action="zoomOut"]').click();
  const before = await transform(page);
  await page.waitForTimeout(300); // state is saved shortly after the last change
  await page.goto(`${pageUrl}?manual=1`); // this time the page sends no graph
  await page.waitForFunction(() => window.mfDev?.messages.some((m) => m.type === 'rendered'));
  assert.equal(await page.locator('g.mf-node').count(), 14);
  assert.equal(await transform(page), before);
  await context.close();
});

test('200 steps render well within budget (prints the time)', async () => {
  const { page, context } = await open('?steps=200');
  const [first] = await messages(page, 'rendered');
  assert.equal(first.nodes, 200);
  assert.equal(await page.locator('g.mf-node').count(), 200);
  // A second flow of 200 steps in the same page: warm code, but a cold layout (longer
  // names give blocks of new shapes, so no block placement is reused).
  const graph = await page.evaluate(() => {
    const g = structuredClone(window.mfDev.graph);
    const rename = (n) => (n === 'start' || n === 'end' ? n : `${n}_with_a_longer_name`);
    g.steps = Object.fromEntries(Object.entries(g.steps).map(([n, s]) => [rename(n), { ...s, next: s.next.map(rename) }]));
    return { ...g, flow: 'AnotherFlow' };
  });
  const painted = await page.evaluate(
    (g) =>
      new Promise((resolve) => {
        const started = performance.now();
        window.mfDev.send({ type: 'graph', graph: g });
        const wait = () =>
          window.mfDev.messages.filter((m) => m.type === 'rendered').length >= 2
            ? requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0))
            : setTimeout(wait, 1);
        wait();
      }),
    graph,
  );
  const second = (await messages(page, 'rendered'))[1];
  console.log(`# 200 steps: first render ${first.millis} ms (cold page), second flow ${second.millis} ms (warm code, cold layout), ~${Math.round(painted)} ms to the next frame`);
  assert.ok(second.millis < 1000, `${second.millis} ms`);
  await context.close();
});
