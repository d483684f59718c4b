/**
 * "Deploy as function" in a real workbench, the way a user does it: open the demo's
 * functions/predict.py, F1 "Metaflow: Deploy as function", pick `predict`, the suggested
 * task (first, starred), "Test call (local process)"; the function panel opens, becomes
 * ready, a request typed into its editor and sent answers `w*x+b` for the task's `model`
 * (read with `mfstudio show --json`, not from the function). Takes the panel's screenshot for
 * the docs (docs/images/deploy-function.png with MFSTUDIO_UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { makeDemoRuns, queryCli } from './harness/runs.mjs';
import { cardPanelFrame } from './harness/runsUi.mjs';
import { openWorkbench, quickInputRow, quickOpen, runCommand } from './harness/ui.mjs';
import { TYPING_SETTINGS, VSIX_PATH, metaflowEnv, startWorkbench } from './harness/workbench.mjs';

/** The first deployment may build the function's environment: minutes on a loaded machine. */
const READY_TIMEOUT_MS = 480000;

let cs;
let browser;
let page;
let root;

before(async () => {
  cs = await startWorkbench({ vsix: [VSIX_PATH], settings: TYPING_SETTINGS });
  root = cs.workspace.dir;
  const [, launched] = await Promise.all([makeDemoRuns(root, metaflowEnv(cs.workspace.root)), launchChromium({ width: 1500, height: 950 })]);
  browser = launched;
  page = browser.page;
  await openWorkbench(page, cs.url);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
});

/** Picks the row of the open quick pick whose label is `label` (codicons are not in the text). */
async function pick(label, timeout = 60000) {
  const row = quickInputRow(page, label);
  await row.waitFor({ timeout });
  await row.click();
}

test('Deploy as function from the palette: a test call answers w*x+b in the panel', { timeout: READY_TIMEOUT_MS + 180000 }, async (t) => {
  await keepScreenshotOnFailure(t, () => page, async () => {
    await quickOpen(page, 'functions/predict.py');
    await runCommand(page, 'Metaflow: Deploy as function…', { opensPicker: true });
    await pick('predict');
    // The task picker: the suggested task comes first, marked "suggested".
    const first = page.locator('.quick-input-list .monaco-list-row').first();
    await first.filter({ hasText: 'suggested' }).waitFor({ timeout: 60000 });
    const task = (await first.locator('.label-name').innerText()).trim();
    assert.match(task, /^TrainingFlow\/\d+\/\w+\/\d+$/, `a task pathspec: ${task}`);
    await first.click();
    await pick('Test call (local process)');

    const panel = cardPanelFrame(page);
    await panel.locator('.fp-stage--ready').waitFor({ timeout: READY_TIMEOUT_MS });
    assert.equal(await panel.locator('.fp-facts dd.fp-mono').first().innerText(), task);
    const editor = panel.locator('.fp-editor');
    assert.deepEqual(JSON.parse(await editor.inputValue()), { x: 0 }, 'the editor starts from the input type');
    await editor.fill('{"x": 3}');
    await panel.locator('.fp-send').click();
    await panel.locator('.fp-answer__head .fp-status--ok').waitFor({ timeout: 60000 });
    assert.equal(await panel.locator('.fp-answer__head .fp-status').innerText(), '200');
    const answer = JSON.parse(await panel.locator('.fp-answer').innerText());

    const shown = await queryCli(root, 'show', `${task}/model`);
    // The preview is `(w, b)` (the tuple's repr): the numbers inside the parentheses.
    const [w, b] = ((/\(([^)]*)\)/.exec(String(shown.preview))?.[1] ?? '').match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? []).map(Number);
    assert.ok(Number.isFinite(w) && Number.isFinite(b), `the model of ${task}: ${JSON.stringify(shown)}`);
    assert.ok(Math.abs(answer.y - (3 * w + b)) <= 1e-9 * Math.max(1, Math.abs(3 * w + b)), `y(3) = ${answer.y}, expected ${3 * w + b}`);

    // A body that is not JSON is refused in the page, nothing is sent.
    await editor.fill('{x: 3}');
    await panel.locator('.fp-send').click();
    await panel.locator('.fp-editor__error:not([hidden])').waitFor({ timeout: 10000 });
    assert.equal(await panel.locator('.fp-history li').count(), 1);
    await editor.fill('{"x": 3}');
    await panel.locator('.fp-editor__error').waitFor({ state: 'hidden', timeout: 10000 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'deploy-function.png') });

    await panel.locator('.fp-stop').click();
    await panel.locator('.fp-stage--stopped').waitFor({ timeout: 30000 });
  });
});
