/**
 * The browser half of bench/bench_ui.py: measures the UI in headless Chromium (Debian's, via
 * playwright-core, as the e2e tests do) and prints one JSON object on stdout. Numbers only.
 *
 *   node bench/ui_browser_probe.mjs runs-page '{"urls": {VARIANT: BASE}, "flow": F, "rows": 50, "screenful": 25, "repeat": 5}'
 *     -> {VARIANT: {screenful_ms, paint_ms, api_ms, asked_ms, answered_ms, html_ms, scripts_ms, idle_api_ms}}:
 *        navigation start -> the frame after the first `screenful`, and all `rows`, of the
 *        first page of runs drew; each /api/runs
 *        request of the page load as the browser timed it (request start -> response end,
 *        Resource Timing); navigation start -> that request made, and answered; -> the HTML
 *        and the last script received; the same request fetched again by the idle page
 *        (fetch -> JSON parsed). Variants alternate, one fresh context per load.
 *   node bench/ui_browser_probe.mjs dag '{"url": DEV_PAGE_URL, "run": F/R, "repeat": 5}'
 *     -> {nodes, render_ms, render_painted_ms, update_{one,all}_ms, update_{one,all}_painted_ms}:
 *        the DAG view's own time to lay out and draw the graph (data-millis, JavaScript only)
 *        and until the next frame was painted (style, layout and paint added); the same two
 *        for a live `run` event applied to the drawn graph: one step finished, or all changed
 *   node bench/ui_browser_probe.mjs live '{"url": BASE, "run": F/R, "timeout_s": 300}'
 *     -> {opened, painted: {step: epoch_s}}: when the run page (opened while the run runs) drew
 *        its DAG, and when each node was first painted as succeeded
 *
 * Why a separate script: the project's Python venv has no browser driver; node_modules has
 * playwright-core (never `npx playwright install`; Chromium is /usr/bin/chromium).
 */
/* global window, document, requestAnimationFrame, MutationObserver, Element -- page.evaluate bodies run in the page */
import { chromium } from 'playwright-core';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function runsPageOnce(browser, url, flow, rows, screenful) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // For each row count in `marks` (a screenful, the whole first page): the frame after the
  // table first held that many rows was painted (rAF runs before paint, the timeout after).
  await page.addInitScript(
    ([marks]) => {
      window.__painted = {};
      const check = () => {
        const have = document.querySelectorAll('[data-testid=runs-table] tr[data-run]').length;
        for (const want of marks) {
          if (want in window.__painted || have < want) continue;
          window.__painted[want] = null;
          requestAnimationFrame(() =>
            setTimeout(() => {
              window.__painted[want] = performance.now();
              if (marks.every((m) => window.__painted[m])) console.debug('mfstudio-bench-painted');
            }, 0),
          );
        }
        if (Object.keys(window.__painted).length === marks.length) observer.disconnect();
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { childList: true, subtree: true });
    },
    [[screenful, rows]],
  );
  // Waiting through a console message, not page.waitForFunction: that would inject
  // Playwright's utility script into the page while it loads (about 40 to 110 ms of script
  // on this machine's main thread, measured by a trace), delaying the paint it measures.
  const painted = page.waitForEvent('console', { predicate: (m) => m.text() === 'mfstudio-bench-painted', timeout: 60000 });
  await page.goto(`${url}/#/?flow=${encodeURIComponent(flow)}`, { waitUntil: 'commit' });
  await painted;
  // Where the time went: the HTML in, the scripts in, /api/runs asked and answered (Resource
  // Timing; its start is when the request was made, by the boot script or the app), the
  // rows in the DOM, painted.
  const result = await page.evaluate(([a, b]) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const runs = resources.filter((e) => new URL(e.name).pathname === '/api/runs');
    const scripts = resources.filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'));
    return {
      screenful: window.__painted[a],
      painted: window.__painted[b],
      html: nav.responseEnd,
      scripts: Math.max(0, ...scripts.map((e) => e.responseEnd)),
      asked: runs[0]?.startTime ?? NaN,
      answered: runs[0]?.responseEnd ?? NaN,
      api: runs.map((e) => e.responseEnd - e.requestStart),
    };
  }, [screenful, rows]);
  // The same request from the idle page: the route's own latency, without the page load
  // competing for this machine's two cores. The `runs` subscription starts after the first
  // page is painted and reads the newest runs once: let that finish first.
  await page.waitForTimeout(1000);
  result.idle = await page.evaluate(async ([f, n]) => {
    const out = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      await (await fetch(`/api/runs?flow=${encodeURIComponent(f)}&limit=${n}`)).json();
      out.push(performance.now() - t0);
    }
    return out;
  }, [flow, rows]);
  await context.close();
  return result;
}

/**
 * `urls`: {variant: base URL}, e.g. this build and the single-bundle page it replaced, each
 * served by its own server on the same datastore. Their loads alternate, so both see the
 * same machine load; each is one fresh browser context.
 */
async function runsPage(browser, { urls, flow, rows, screenful, repeat }) {
  const out = Object.fromEntries(Object.keys(urls).map((v) => [v, { screenful_ms: [], paint_ms: [], api_ms: [], asked_ms: [], answered_ms: [], html_ms: [], scripts_ms: [], idle_api_ms: [] }]));
  for (let i = 0; i < repeat; i++) {
    for (const [variant, url] of Object.entries(urls)) {
      const r = await runsPageOnce(browser, url, flow, rows, screenful);
      const o = out[variant];
      o.screenful_ms.push(r.screenful);
      o.paint_ms.push(r.painted);
      o.api_ms.push(...r.api);
      o.asked_ms.push(r.asked);
      o.answered_ms.push(r.answered);
      o.html_ms.push(r.html);
      o.scripts_ms.push(r.scripts);
      o.idle_api_ms.push(...r.idle);
    }
  }
  return out;
}

async function dag(browser, { url, run, repeat }) {
  const render = [];
  const renderPainted = [];
  const update = [];
  const updatePainted = [];
  const updateOne = [];
  const updateOnePainted = [];
  let nodes = 0;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    // Resolves after the next frame was painted (rAF runs before paint, the timeout after it).
    window.__nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    window.__dagPainted = null;
    new MutationObserver((records, observer) => {
      if (!records.some((r) => r.attributeName === 'data-millis')) return;
      observer.disconnect();
      const t0 = performance.now();
      void window.__nextPaint().then(() => (window.__dagPainted = performance.now() - t0));
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-millis'] });
  });
  const page = await context.newPage();
  for (let i = 0; i < repeat; i++) {
    await page.goto('about:blank');
    await page.goto(`${url}#/run/${run}`);
    await page.waitForSelector('[data-testid=run-header] .ui-status', { timeout: 60000 });
    await page.waitForFunction(() => window.__dagPainted !== null, null, { timeout: 60000 });
    const drawn = await page.locator('[data-testid=run-dag]').evaluate((e) => ({ nodes: Number(e.dataset.nodes), millis: Number(e.dataset.millis), painted: window.__dagPainted }));
    nodes = drawn.nodes;
    render.push(drawn.millis);
    renderPainted.push(drawn.millis + drawn.painted);
    // The incremental path, once the page is idle: a `run` event applied to the drawn graph,
    // its JavaScript alone and until the next frame was painted. `one`: what a task ending
    // does (one step succeeded, the next one running); `all`: every step changes at once.
    for (const [change, js, painted] of [['one', updateOne, updateOnePainted], ['all', update, updatePainted]]) {
      const [ms, msPainted] = await page.evaluate(applyRunEvent, [run, change]);
      js.push(ms);
      painted.push(msPainted);
    }
  }
  await context.close();
  return {
    nodes,
    render_ms: render,
    render_painted_ms: renderPainted,
    update_one_ms: updateOne,
    update_one_painted_ms: updateOnePainted,
    update_all_ms: update,
    update_all_painted_ms: updatePainted,
  };
}

/**
 * In the page: pushes a `run` event built from the DAG's current classes through the dev
 * page's fake subscription (window.mfUi.emit); returns [JavaScript ms, ms to the next paint].
 */
async function applyRunEvent([pathspec, change]) {
  await window.__nextPaint();
  const nodes = [...document.querySelectorAll('[data-testid=run-dag] g.mf-node[data-step]')];
  const status = (g) => /mf-node--run-(\w+)/.exec(g.getAttribute('class') ?? '')?.[1] ?? 'pending';
  const states = new Map(nodes.map((g) => [g.dataset.step, status(g)]));
  const names = [...states.keys()];
  if (change === 'all') for (const n of names) states.set(n, states.get(n) === 'running' ? 'succeeded' : 'running');
  else {
    const k = names.findIndex((n) => states.get(n) === 'pending');
    const at = k > 0 ? k : 1;
    states.set(names[at - 1], 'succeeded');
    states.set(names[at], 'running');
  }
  const tasksOf = (s) => ({ running: s === 'running' ? 1 : 0, succeeded: s === 'succeeded' ? 1 : 0, failed: 0 });
  const started = names.filter((n) => states.get(n) !== 'pending');
  const [flow, runId] = pathspec.split('/');
  const now = Date.now() / 1000;
  const state = { run: pathspec, status: 'running', steps: Object.fromEntries(started.map((n) => [n, { status: states.get(n), tasks: tasksOf(states.get(n)), expected: null }])) };
  const summary = {
    run: { pathspec, flow, run_id: runId, status: 'running', started_at: now - 60, finished_at: null, duration_s: 60, user: 'bench', tags: [], system_tags: [], parameters: {}, origin_run_id: null },
    steps: started.map((name) => ({ name, tasks: tasksOf(states.get(name)), started_at: now - 30, finished_at: null, duration_s: 30, first_failure: null })),
  };
  const t0 = performance.now();
  window.mfUi.emit('run', { type: 'run', state, summary });
  const t1 = performance.now();
  const changed = started.at(-1);
  if (status(document.querySelector(`[data-testid=run-dag] g.mf-node[data-step="${changed}"]`)) !== states.get(changed)) throw new Error('the run event did not reach the DAG');
  await window.__nextPaint();
  return [t1 - t0, performance.now() - t0];
}

async function live(browser, { url, run, timeout_s }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__painted = {};
    const seen = (g) => {
      const step = g.getAttribute('data-step');
      if (!step || step in window.__painted || !g.classList.contains('mf-node--run-succeeded')) return;
      window.__painted[step] = null;
      requestAnimationFrame(() => setTimeout(() => (window.__painted[step] = (performance.timeOrigin + performance.now()) / 1000), 0));
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element && r.target.matches('g.mf-node')) seen(r.target);
        for (const n of r.addedNodes) if (n instanceof Element) for (const g of n.querySelectorAll('g.mf-node')) seen(g);
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  });
  await page.goto(`${url}/#/run/${run}`);
  await page.waitForSelector('[data-testid=run-dag] g.mf-node[data-step]', { timeout: 60000 });
  const opened = Date.now() / 1000;
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid=run-header] .ui-status')?.textContent;
      const nodes = document.querySelectorAll('[data-testid=run-dag] g.mf-node[data-step]').length;
      const times = Object.values(window.__painted);
      return status !== undefined && status !== 'running' && times.length === nodes && times.every((t) => t !== null);
    },
    null,
    { timeout: timeout_s * 1000, polling: 200 },
  );
  const painted = await page.evaluate(() => window.__painted);
  await context.close();
  return { opened, painted };
}

const MODES = { 'runs-page': runsPage, dag, live };
const [mode, json] = process.argv.slice(2);
if (!MODES[mode]) {
  console.error(`usage: node bench/ui_browser_probe.mjs ${Object.keys(MODES).join('|')} JSON`);
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.MFSTUDIO_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
try {
  console.log(JSON.stringify(await MODES[mode](browser, JSON.parse(json))));
} finally {
  await browser.close();
}
