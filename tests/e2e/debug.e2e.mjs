/**
 * "Debug step" driven through the real workbench UI the way a user works: open the demo
 * flow (with real runs made by scripts/demo_runs.py), put a breakpoint on a line of the
 * train step's body with F9, click the "Debug step" lens above `train`, and see the
 * debugger paused at that line: the debug toolbar, the call stack on `train`, and the
 * editor's current-line marker on the breakpoint's line. Keeps a screenshot for the docs
 * (docs/images/debugging.png with MFSTUDIO_UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { makeDemoRuns } from './harness/runs.mjs';
import { goToLine, openWorkbench, quickOpen, runCommand, waitForServerReady } from './harness/ui.mjs';
import { TYPING_SETTINGS, VSIX_PATH, metaflowEnv, readExtensionLog, startWorkbench } from './harness/workbench.mjs';

const DEMO_FLOW = 'flows/training_flow.py';
const BODY_LINE_TEXT = 'lr, w, b = self.input, 0.0, 0.0';
const LENS_ANCHOR_TEXT = '@retry(times=1, minutes_between_retries=0)'; // train's first decorator

let cs;
let browser;
let page;

const withShot = (t, fn) => keepScreenshotOnFailure(t, () => page, fn);

before(async () => {
  cs = await startWorkbench({ vsix: [VSIX_PATH], settings: TYPING_SETTINGS });
  await makeDemoRuns(cs.workspace.dir, metaflowEnv(cs.workspace.dir));
  browser = await launchChromium({ width: 1600, height: 1000 });
  page = browser.page;
  await openWorkbench(page, cs.url);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
});

/** The editor's rendered line holding `text` (Monaco renders spaces as nbsp). */
function viewLine(text) {
  return page.locator('.editor-instance .view-line').filter({ hasText: text.replace(/ /g, '\u00a0') }).first();
}

/**
 * Clicks the "Debug step" lens drawn just above `anchor` (lenses sit above a step's
 * decorators). The lenses are measured in one pass inside the page and clicked by position:
 * the editor re-renders its lenses whenever the server refreshes them, so element handles
 * taken one by one can go stale between finding and measuring.
 */
async function clickDebugLensAbove(anchor) {
  for (let attempt = 1; ; attempt += 1) {
    const anchorBox = await viewLine(anchor).boundingBox();
    assert.ok(anchorBox, `the line "${anchor}" is on screen`);
    const boxes = await page.locator('.codelens-decoration a', { hasText: /^Debug step$/ }).evaluateAll((links) =>
      links.map((a) => {
        const r = a.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    const above = boxes.filter((b) => b.width > 0 && b.y < anchorBox.y).sort((a, b) => b.y - a.y)[0];
    if (above && anchorBox.y - above.y < 2 * anchorBox.height) {
      await page.mouse.click(above.x + above.width / 2, above.y + above.height / 2);
      return;
    }
    assert.ok(attempt < 10, `a "Debug step" lens right above "${anchor}" (lenses at ${JSON.stringify(boxes)})`);
    await page.waitForTimeout(500);
  }
}

test('"Debug step" above train pauses the debugger at the breakpoint in its body', { timeout: 240000 }, async (t) => {
  await withShot(t, async () => {
    await runCommand(page, 'View: Close Primary Side Bar');
    await quickOpen(page, DEMO_FLOW);
    await waitForServerReady(page, 60000);
    const source = fs.readFileSync(cs.workspace.file(DEMO_FLOW), 'utf8').split('\n');
    const bodyLine = source.findIndex((l) => l.includes(BODY_LINE_TEXT)) + 1;
    assert.ok(bodyLine > 0);

    await goToLine(page, bodyLine);
    await page.keyboard.press('F9'); // Debug: Toggle Breakpoint
    await page.locator('.editor-instance .codicon-debug-breakpoint').first().waitFor({ timeout: 10000 });

    await goToLine(page, bodyLine - 4); // the lens area above train in view
    await page.locator('.codelens-decoration a', { hasText: /^Debug step$/ }).first().waitFor({ timeout: 30000 });
    const clicked = Date.now();
    await clickDebugLensAbove(LENS_ANCHOR_TEXT);

    // Paused: the debug toolbar shows, the top stack frame marker is on the breakpoint line.
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 150000 });
    const marker = page.locator('.editor-instance .codicon-debug-stackframe').first();
    await marker.waitFor({ timeout: 150000 });
    t.diagnostic(`click "Debug step" -> paused at the breakpoint: ${Date.now() - clicked} ms`);
    const [markerBox, lineBox] = [await marker.boundingBox(), await viewLine(BODY_LINE_TEXT).boundingBox()];
    assert.ok(markerBox && lineBox);
    assert.ok(Math.abs(markerBox.y + markerBox.height / 2 - (lineBox.y + lineBox.height / 2)) < lineBox.height / 2, 'paused on the breakpoint line');

    // The Run and Debug view's call stack names the step function of the paused frame.
    await runCommand(page, 'View: Show Run and Debug');
    const callStack = page.locator('.debug-call-stack .monaco-list-row');
    await callStack.filter({ hasText: /train/ }).first().waitFor({ timeout: 30000 });
    // The task runs in the launched session: with one session and one thread the view states
    // "Paused on breakpoint" in its header; with several (a forked spin), on their rows.
    const paused = await page.locator('.call-stack-state-message, .debug-call-stack .monaco-list-row .state.label').allTextContents();
    assert.ok(paused.some((s) => /paused on breakpoint/i.test(s)), `call stack states: ${paused}`);

    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'debugging.png') });
    for (const line of readExtensionLog(cs).split('\n')) {
      if (/Debug:/.test(line)) t.diagnostic(`  extension log: ${line.trim()}`);
    }
    // Stop every session (one; a forked spin would have the task's and the flow process's).
    const toolbar = page.locator('.debug-toolbar');
    for (let i = 0; i < 4 && (await toolbar.isVisible()); i += 1) {
      await page.keyboard.press('Shift+F5');
      await toolbar.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => undefined);
    }
    assert.equal(await toolbar.isVisible(), false, 'the debug sessions ended');
  });
});
