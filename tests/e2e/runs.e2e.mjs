/**
 * The Runs view, driven through the real workbench UI the way a user works: the Metaflow
 * icon in the activity bar, twisties, a row's inline buttons, Ctrl+click on a link, the
 * "Show latest card" code lens. The workspace is a copy of the demo with its real runs
 * (scripts/demo_runs.py: TrainingFlow `baseline` succeeds with a card on `report`, `sweep`
 * fails in `train` at learning rate 50), made before the browser opens it. Every expectation
 * comes from `mfstudio ... --json --root <copy>` on the same runs, never hard-coded.
 * One code-server and one Chromium page are shared by the tests of this file, run in order.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { graphOfFile } from './harness/flowgraph.mjs';
import { makeDemoRuns, queryCli } from './harness/runs.mjs';
import {
  cardPanelFrame,
  clickRowAction,
  ctrlClick,
  editorLines,
  expandRow,
  findCardFrame,
  findRow,
  openRunsView,
  readTree,
  setSideBarWidth,
  waitForActiveTab,
  waitForEditorText,
} from './harness/runsUi.mjs';
import { escapeRegExp, goToLine, openWorkbench, pickColorTheme, quickOpen, runCommand, waitForCursor, waitForServerReady } from './harness/ui.mjs';
import { TYPING_SETTINGS, VSIX_PATH, metaflowEnv, readExtensionLog, startWorkbench } from './harness/workbench.mjs';

const FLOW = 'TrainingFlow';
const DEMO_FLOW = 'flows/training_flow.py';
/** The codicon each run status shows (views/runsTreeItems.ts). */
const STATUS_ICON = { succeeded: 'check', failed: 'error' };
const timings = {};
let cs;
let browser;
let page;
/** The workspace copy: it holds `.metaflow`, so it is the `--root` of every CLI query. */
let root;
/** `mfstudio runs TrainingFlow --json`: newest first. */
let runs;
let okRun;
let failedRun;

const withShot = (t, fn) => keepScreenshotOnFailure(t, () => page, fn);
const shortType = (type) => type.slice(type.lastIndexOf('.') + 1);
/** `3 tasks · 1 failed`: how a step row counts its tasks (views/runsTreeItems.ts taskCounts). */
function countsText({ succeeded = 0, failed = 0, running = 0 }) {
  const total = succeeded + failed + running;
  return [`${total} ${total === 1 ? 'task' : 'tasks'}`, failed ? `${failed} failed` : '', running ? `${running} running` : '']
    .filter(Boolean)
    .join(' · ');
}

/** Records how long `what` took (printed at the end, never asserted). */
async function timed(t, what, fn) {
  const started = Date.now();
  const result = await fn();
  timings[what] = Date.now() - started;
  t.diagnostic(`${what}: ${timings[what]} ms`);
  return result;
}

before(async () => {
  cs = await startWorkbench({ vsix: [VSIX_PATH], settings: TYPING_SETTINGS });
  root = cs.workspace.dir;
  // The runs exist before the workbench opens: the extension host starts with them in place.
  const started = Date.now();
  const [, launched] = await Promise.all([
    makeDemoRuns(root, metaflowEnv(cs.workspace.root)).then(() => (timings['demo runs made'] = Date.now() - started)),
    launchChromium({ width: 1600, height: 1000 }),
  ]);
  browser = launched;
  page = browser.page;
  runs = (await queryCli(root, 'runs', FLOW)).runs;
  okRun = runs.find((r) => r.status === 'succeeded');
  failedRun = runs.find((r) => r.status === 'failed');
  assert.ok(okRun && failedRun, `the demo made a succeeded and a failed run: ${JSON.stringify(runs.map((r) => r.status))}`);
  await openWorkbench(page, cs.url);
});

after(async () => {
  const line = Object.entries(timings)
    .map(([k, v]) => `${k}: ${v} ms`)
    .join('; ');
  if (line) console.log(`e2e timings: ${line}`);
  await browser?.close();
  await cs?.stop();
});

test('the Metaflow icon opens the Runs view: the flow, then its runs with status and tags as `mfstudio runs` lists them', async (t) => {
  await withShot(t, async () => {
    const { flows } = await queryCli(root, 'flows');
    await timed(t, 'activity-bar icon -> Runs view shows the flows', async () => {
      t.diagnostic(`clicking the Metaflow icon at ${new Date().toISOString()}`);
      await openRunsView(page);
      await findRow(page, [FLOW], 90000);
    });
    // Where that time went, in the extension's own words (activation, interpreter check, server start).
    for (const line of readExtensionLog(cs).split('\n')) {
      if (/activated in|checked in|is running/.test(line)) t.diagnostic(`  extension log: ${line.trim()}`);
    }
    const top = (await readTree(page)).filter((r) => r.level === 1);
    assert.deepEqual(top.map((r) => r.label), flows, 'one top-level row per flow with runs');
    await setSideBarWidth(page, 560); // room for start time, duration and tags

    const rows = await timed(t, 'expand the flow -> its runs', () => expandRow(page, [FLOW]));
    assert.deepEqual(rows.map((r) => r.label), runs.map((r) => r.run_id), 'the runs, newest first');
    runs.forEach((run, i) => {
      const row = rows[i];
      assert.equal(row.icon, STATUS_ICON[run.status], `${run.pathspec} (${run.status}) shows its status icon`);
      assert.ok(row.tooltip.startsWith(`${run.pathspec}: ${run.status}`), `its tooltip says the status: ${row.tooltip}`);
      for (const tag of run.tags) assert.ok(row.description.includes(tag), `tag ${tag} in "${row.description}"`);
    });
    const count = (list, status) => list.filter((x) => x === status).length;
    for (const status of ['succeeded', 'failed']) {
      assert.equal(
        count(rows.map((r) => r.icon), STATUS_ICON[status]),
        count(runs.map((r) => r.status), status),
        `as many ${status} runs in the view as the CLI lists`,
      );
    }
  });
});

/** `mfstudio failures` on the failed run: the train task that diverged (FloatingPointError). */
async function divergedTask() {
  const { failures } = await queryCli(root, 'failures', failedRun.pathspec);
  const found = failures.find((f) => f.step === 'train' && shortType(f.exception_type ?? '') === 'FloatingPointError');
  assert.ok(found, `mfstudio failures reports the diverged train task: ${JSON.stringify(failures.map((f) => [f.pathspec, f.exception_type]))}`);
  return found;
}

test('the failed run\'s steps count their tasks; train lists its failed task first; "Show Failure" opens the exception with a link to the source', async (t) => {
  await withShot(t, async () => {
    const summary = await queryCli(root, 'summary', failedRun.pathspec);
    const steps = await expandRow(page, [FLOW, failedRun.run_id]);
    assert.deepEqual(steps.map((s) => s.label), summary.steps.map((s) => s.name));
    summary.steps.forEach((step, i) => {
      assert.ok(steps[i].description.startsWith(countsText(step.tasks)), `${step.name}: "${steps[i].description}" counts ${JSON.stringify(step.tasks)}`);
      assert.equal(steps[i].icon, step.tasks.failed ? 'error' : 'check', `${step.name}'s icon`);
    });

    const { tasks } = await queryCli(root, 'tasks', `${failedRun.pathspec}/train`);
    const taskRows = await expandRow(page, [FLOW, failedRun.run_id, 'train']);
    assert.deepEqual(taskRows.map((r) => r.label), tasks.map((task) => `train/${task.task_id}`), 'the tasks in the CLI\'s order');
    assert.equal(tasks[0].status, 'failed', 'the CLI lists a failed task first');
    assert.equal(taskRows[0].icon, 'error', 'so does the view');

    // The task that diverged (under load Metaflow may also kill a sibling still running).
    const failure = await divergedTask();
    const row = taskRows.find((r) => r.label === `train/${failure.task_id}`);
    assert.equal(row?.description, `attempt ${failure.attempt} · failed`, `${failure.pathspec} shows its last attempt`);
    const exception = `FloatingPointError: ${failure.message}`;
    await timed(t, '"Show Failure" -> failure document', async () => {
      await clickRowAction(page, [FLOW, failedRun.run_id, 'train', row.label], 'Show Failure');
      await waitForEditorText(page, exception, (text) => text.includes(exception));
    });
    await waitForActiveTab(page, `train ${failure.task_id} · failure`);
    const text = (await editorLines(page)).join('\n');
    assert.ok(text.includes(failure.pathspec), 'the document names the task');

    // The traceback frame in the flow file is a link to that line of the workspace's file.
    const flowFile = cs.workspace.file(DEMO_FLOW);
    const frame = new RegExp(`File "${escapeRegExp(flowFile)}", line (\\d+)`).exec(failure.traceback);
    assert.ok(frame, `the traceback has a frame in ${flowFile}:\n${failure.traceback}`);
    const line = Number(frame[1]);
    assert.match(fs.readFileSync(flowFile, 'utf8').split('\n')[line - 1], /raise FloatingPointError/);
    const frameLine = page.locator('.editor-group-container.active .view-line', { hasText: `${DEMO_FLOW}", line ${line}` }).first();
    const link = frameLine.locator('.detected-link').first();
    await link.waitFor({ timeout: 15000 });
    await ctrlClick(page, link);
    await waitForActiveTab(page, path.basename(DEMO_FLOW));
    await waitForCursor(page, (p) => p.line === line);
    t.diagnostic(`Ctrl+click on the frame opened ${DEMO_FLOW} at line ${line}`);
  });
});

test('expanding a task\'s artifact shows its value inline, as `mfstudio show` previews it', async (t) => {
  await withShot(t, async () => {
    const [startTask] = await expandRow(page, [FLOW, failedRun.run_id, 'start']);
    const taskPath = [FLOW, failedRun.run_id, 'start', startTask.label];
    const taskSpec = `${failedRun.pathspec}/${startTask.label}`;
    const { artifacts } = await queryCli(root, 'artifacts', taskSpec);
    const rows = await expandRow(page, taskPath);
    assert.deepEqual(rows.map((r) => r.label), artifacts.map((a) => a.name), 'the task\'s artifacts');
    artifacts.forEach((a, i) => assert.ok(rows[i].description.endsWith(shortType(a.type)), `${a.name}: "${rows[i].description}" names ${a.type}`));

    for (const name of ['grid', 'data']) {
      const preview = await queryCli(root, 'show', `${taskSpec}/${name}`);
      const lines = (await timed(t, `expand ${name} -> preview`, () => expandRow(page, [...taskPath, name]))).map((r) => r.label);
      const body = preview.preview.split('\n');
      assert.ok(!preview.truncated, `${name}'s preview is whole`);
      assert.deepEqual(lines.slice(-body.length), body, `${name} shows the CLI's preview`);
      assert.match(lines[0], new RegExp(`\\b${preview.shape.join(' × ')}\\b`), `${name}'s header shows its shape ${preview.shape}`);
    }
  });
});

test('"Open Logs" on a train task opens its stdout, as `mfstudio logs` returns it', async (t) => {
  await withShot(t, async () => {
    await expandRow(page, [FLOW, okRun.run_id]);
    const [task] = await expandRow(page, [FLOW, okRun.run_id, 'train']);
    const logs = await queryCli(root, 'logs', `${okRun.pathspec}/${task.label}`);
    assert.ok(logs.lines.some((l) => /^lr=[\d.]+: w=/.test(l.text)), `the task printed its fit: ${JSON.stringify(logs.lines)}`);
    await timed(t, '"Open Logs" -> log document', async () => {
      await clickRowAction(page, [FLOW, okRun.run_id, 'train', task.label], 'Open Logs (stdout)');
      await waitForEditorText(page, 'the task\'s stdout', (text) => logs.lines.every((l) => text.includes(l.text)));
    });
    await waitForActiveTab(page, `${task.label.replace('/', ' ')} · stdout.log`);
    const [header] = await editorLines(page);
    assert.ok(header.includes(`${okRun.pathspec}/${task.label}`) && header.includes('stdout'), `header: ${header}`);
  });
});

/** The task whose card "Show latest card" must show: the newest run's newest `step` task with a card, per the CLI. */
async function latestCardTask(step) {
  for (const run of runs) {
    const listing = await queryCli(root, 'tasks', `${run.pathspec}/${step}`).catch(() => null); // the run never got there
    const newest = [...(listing?.tasks ?? [])].sort((a, b) => (b.finished_at ?? 0) - (a.finished_at ?? 0));
    for (const task of newest) {
      if ((await queryCli(root, 'cards', task.pathspec)).cards.length > 0) return task.pathspec;
    }
  }
  throw new Error(`no ${step} task has a card`);
}

/** Opens the demo flow at `line` (a step with @card) and clicks the "Show latest card" code lens above it. */
async function clickCardLens(line) {
  await quickOpen(page, DEMO_FLOW);
  await waitForServerReady(page);
  await goToLine(page, line);
  const lens = page.locator('.codelens-decoration a', { hasText: /^Show latest card$/ });
  await lens.waitFor({ timeout: 20000 });
  await lens.click();
}

test('"Show latest card" above report renders the card in a sandboxed iframe that cannot reach the workbench', async (t) => {
  await withShot(t, async () => {
    const expected = await latestCardTask('report');
    const reportLine = (await graphOfFile(cs.workspace.file(DEMO_FLOW))).steps.report.line;
    const card = cardPanelFrame(page).frameLocator('iframe.card');
    await timed(t, 'open the flow, "Show latest card" -> card rendered', async () => {
      await clickCardLens(reportLine);
      await card.locator('body', { hasText: expected }).waitFor({ timeout: 30000 });
    });
    await waitForActiveTab(page, `Card: ${expected}`);
    const cardText = await card.locator('body').innerText();
    assert.match(cardText, /def report\(self\)/, 'the card shows the task\'s code');

    const sandbox = (await cardPanelFrame(page).locator('iframe.card').getAttribute('sandbox')) ?? '';
    assert.deepEqual(sandbox.split(/\s+/).filter(Boolean), ['allow-scripts'], 'scripts only: no allow-same-origin');
    const probe = await (await findCardFrame(page)).evaluate(() => {
      const attempt = (f) => {
        try {
          return typeof f();
        } catch (e) {
          return e.name;
        }
      };
      return {
        origin: globalThis.origin,
        parentDocument: attempt(() => globalThis.parent.document.body),
        storage: attempt(() => globalThis.localStorage),
        vscodeApi: typeof globalThis.acquireVsCodeApi,
      };
    });
    assert.deepEqual(probe, { origin: 'null', parentDocument: 'SecurityError', storage: 'SecurityError', vscodeApi: 'undefined' });
  });
});

/** Takes a documentation screenshot, with the pointer parked where it shows no hover. */
async function shoot(name) {
  await page.getByText('Activating Extensions').waitFor({ state: 'hidden', timeout: 20000 }); // the theme's, in the status bar
  await page.mouse.move(5, 995);
  await page.waitForTimeout(500); // hovers fade, the theme's colours settle
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name) });
}

test('screenshots for the docs, in the dark theme: the Runs view beside the flow, a failure, a card', async (t) => {
  await withShot(t, async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await pickColorTheme(page, 'Dark 2026');
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 20000 });
    await runCommand(page, 'View: Close All Editors');
    const graph = await graphOfFile(cs.workspace.file(DEMO_FLOW));

    // The tree as the tests above left it (both runs open, a preview shown) beside the flow.
    await quickOpen(page, DEMO_FLOW);
    await goToLine(page, graph.steps.start.line);
    await shoot('runs-tree.png');

    const failure = await divergedTask();
    await clickRowAction(page, [FLOW, failedRun.run_id, 'train', `train/${failure.task_id}`], 'Show Failure');
    await waitForEditorText(page, 'the failure', (text) => text.includes(failure.message));
    await page.locator('.editor-group-container.active .view-line .detected-link').first().waitFor({ timeout: 15000 }); // links underlined
    await shoot('failure.png');

    // The card beside its flow, with the room the side bar took.
    await runCommand(page, 'View: Close All Editors');
    await clickCardLens(graph.steps.report.line);
    await cardPanelFrame(page).locator('body.vscode-dark').waitFor({ timeout: 20000 });
    await cardPanelFrame(page).frameLocator('iframe.card').locator('body', { hasText: '/report/' }).waitFor({ timeout: 30000 });
    await runCommand(page, 'View: Close Primary Side Bar');
    await shoot('card-preview.png');
    t.diagnostic(`saved runs-tree.png, failure.png and card-preview.png in ${path.relative(process.cwd(), SCREENSHOT_DIR)}`);
  });
});
