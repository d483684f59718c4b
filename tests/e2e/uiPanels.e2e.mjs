/**
 * The UI panels in a real workbench, driven the way a user works: select two runs in the
 * Runs view (click, Ctrl+click), "Metaflow: Compare Runs" from the palette, read the
 * comparison in the panel, follow a run link inside it; then "Show Lineage" from an
 * artifact row's inline button. The workspace is a copy of the demo with its real runs
 * (scripts/demo_runs.py: `baseline` succeeds, `sweep` fails in train); expectations come
 * from `mfstudio compare/lineage --json` on the same runs. Takes the compare panel's
 * screenshots for the docs, light and dark (docs/images/vscode-compare-{light,dark}.png with
 * MFSTUDIO_UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { makeDemoRuns, queryCli } from './harness/runs.mjs';
import { cardPanelFrame, clickRowAction, expandRow, findRow, openRunsView, rowLocator, setSideBarWidth } from './harness/runsUi.mjs';
import { openWorkbench, pickColorTheme, runCommand } from './harness/ui.mjs';
import { TYPING_SETTINGS, VSIX_PATH, metaflowEnv, startWorkbench } from './harness/workbench.mjs';

const FLOW = 'TrainingFlow';
let cs;
let browser;
let page;
let root;
let okRun;
let failedRun;

const withShot = (t, fn) => keepScreenshotOnFailure(t, () => page, fn);

async function waitUntil(what, probe, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}
/** The panel's page: VS Code's webview iframe, then its content frame (one webview open at a time here). */
const panel = () => cardPanelFrame(page);

before(async () => {
  cs = await startWorkbench({ vsix: [VSIX_PATH], settings: TYPING_SETTINGS });
  root = cs.workspace.dir;
  const [, launched] = await Promise.all([makeDemoRuns(root, metaflowEnv(cs.workspace.root)), launchChromium({ width: 1600, height: 1000 })]);
  browser = launched;
  page = browser.page;
  const { runs } = await queryCli(root, 'runs', FLOW);
  okRun = runs.find((r) => r.status === 'succeeded');
  failedRun = runs.find((r) => r.status === 'failed');
  assert.ok(okRun && failedRun, `the demo made a succeeded and a failed run: ${JSON.stringify(runs.map((r) => r.status))}`);
  await openWorkbench(page, cs.url);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
});

test('Compare Runs on two runs selected in the Runs view shows their differences in a panel', async (t) => {
  await withShot(t, async () => {
    await openRunsView(page);
    await findRow(page, [FLOW], 90000);
    await setSideBarWidth(page, 420);
    await expandRow(page, [FLOW]);
    // Select both runs as a user does: click one, Ctrl+click the other.
    await rowLocator(page, await findRow(page, [FLOW, okRun.run_id])).locator('.label-name').click();
    await rowLocator(page, await findRow(page, [FLOW, failedRun.run_id])).locator('.label-name').click({ modifiers: ['Control'] });
    await runCommand(page, 'Metaflow: Compare Runs');

    const view = panel().locator('[data-testid="compare-view"]');
    await view.waitFor({ timeout: 60000 });
    const expected = await queryCli(root, 'compare', okRun.pathspec, failedRun.pathspec);
    // Differences only (the default): every parameter that differs has its row, with both values.
    for (const param of expected.parameters.filter((p) => p.differs)) {
      const row = panel().locator(`.ui-compare-params tr[data-name="${param.name}"]`);
      await row.waitFor({ timeout: 30000 });
      const text = await row.innerText();
      for (const value of param.values) if (value !== null) assert.ok(text.includes(value), `${param.name}: ${value} in "${text}"`);
    }
    const changed = expected.artifacts.filter((a) => a.status !== 'same');
    assert.ok(changed.length > 0, 'the two demo runs differ in some artifacts');
    for (const a of changed.slice(0, 5)) {
      const row = panel().locator(`.ui-compare-artifacts tr[data-artifact="${a.step}.${a.name}"]`);
      assert.equal(await row.getAttribute('data-change'), a.status, `${a.step}.${a.name} is ${a.status}`);
    }
    // VS Code themes the page: its colours come from the workbench's --vscode-* variables.
    const background = await panel().locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-editor-background').trim());
    assert.notEqual(background, '', 'the webview carries the workbench theme');
    assert.equal(await panel().locator('[data-testid="theme-toggle"]').count(), 0, 'no theme toggle inside VS Code');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vscode-compare-light.png') });
    // Switching VS Code's theme re-colours the open page (no reload, no toggle of its own).
    const pageColors = () => panel().locator('.ui-app').evaluate((el) => `${getComputedStyle(document.body).backgroundColor} ${getComputedStyle(el).color}`);
    const light = await pageColors();
    await pickColorTheme(page, 'Dark Modern');
    await waitUntil('the panel to turn dark', async () => (await pageColors()) !== light);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vscode-compare-dark.png') });

    // A link inside the panel opens that run in the same panel (VS Code's frame would drop it).
    await panel().locator(`.ui-compare__runs a:text-is("${failedRun.pathspec}")`).click();
    const runView = panel().locator(`[data-testid="run-view"][data-run="${failedRun.pathspec}"]`);
    await runView.waitFor({ timeout: 30000 });
    await panel().locator('[data-testid="failures"]').waitFor({ timeout: 30000 });
  });
});

test('Show Lineage from an artifact row draws the steps that produced and read it', async (t) => {
  await withShot(t, async () => {
    await runCommand(page, 'View: Close All Editors'); // one webview at a time for panel()
    const steps = await expandRow(page, [FLOW, okRun.run_id]);
    assert.ok(steps.some((s) => s.label === 'end'), JSON.stringify(steps.map((s) => s.label)));
    const [task] = await expandRow(page, [FLOW, okRun.run_id, 'end']);
    await expandRow(page, [FLOW, okRun.run_id, 'end', task.label]);
    await clickRowAction(page, [FLOW, okRun.run_id, 'end', task.label, 'model'], 'Show Lineage');
    const expected = await queryCli(root, 'lineage', okRun.pathspec, 'model');
    const nodes = panel().locator('g.ui-lineage__node');
    await panel().locator('[data-testid="lineage-view"]').waitFor({ timeout: 60000 });
    await nodes.first().waitFor({ timeout: 30000 });
    const shown = await nodes.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-node')}:${el.getAttribute('data-role')}`));
    assert.deepEqual(shown.sort(), expected.nodes.map((n) => `${n.id}:${n.role}`).sort());
  });
});
