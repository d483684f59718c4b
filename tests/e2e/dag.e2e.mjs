/**
 * The live DAG, driven through the real workbench UI the way a user works: Quick Open the
 * demo flow, run "Metaflow: Show DAG" from F1, type, click nodes, read the status bar.
 * One code-server (the .vsix installed, no smoke driver so toasts and panels behave as for
 * users) and one Chromium page are shared by the tests of this file, which run in order.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SCREENSHOT_DIR, keepScreenshotOnFailure } from './harness/artifacts.mjs';
import { launchChromium } from './harness/browser.mjs';
import { graphOfFile, graphOfText, insertAfter, lineOf, replaceLine } from './harness/flowgraph.mjs';
import {
  dagFrame,
  dagStepNames,
  findDagFrame,
  goToLine,
  openWorkbench,
  pickColorTheme,
  quickOpen,
  readProblemCounts,
  replaceCurrentLine,
  runCommand,
  typeInEditor,
  waitForCursor,
  waitForCursorAfterDagClick,
  waitForDagSteps,
  waitForServerReady,
} from './harness/ui.mjs';
import { TYPING_SETTINGS, VSIX_PATH, readExtensionLog, startWorkbench } from './harness/workbench.mjs';

const DEMO_FLOW = 'flows/training_flow.py';
const XSS_FLOW = 'flows/xss_flow.py';
const XSS_SCRIPT = `<script>window.__mfXss && window.__mfXss('script'); document.title = 'XSS-script'</script>`;
const XSS_IMG = `<img src=x onerror="window.__mfXss && window.__mfXss('img'); document.title = 'XSS-img'">`;
/** A valid flow whose user strings (flow and step docstrings, a parameter's help) carry HTML payloads. */
const XSS_SOURCE = `from metaflow import FlowSpec, Parameter, step


class XssFlow(FlowSpec):
    """Flow docs ${XSS_SCRIPT} ${XSS_IMG}"""

    alpha = Parameter("alpha", default=1, help="help ${XSS_IMG.replace(/"/g, '\\"')}")

    @step
    def start(self):
        """Start docs ${XSS_SCRIPT} ${XSS_IMG}"""
        self.next(self.end)

    @step
    def end(self):
        """End docs ${XSS_IMG}"""
        pass


if __name__ == "__main__":
    XssFlow()
`;

const DAG_COMMAND = 'Metaflow: Show DAG';
const timings = {};
const xssFired = [];
let cs;
let browser;
let page;
/** The demo flow's text as the editor should hold it after each test's edits. */
let expectedText;

const withShot = (t, fn) => keepScreenshotOnFailure(t, () => page, fn);
const sorted = (names) => [...names].sort();

before(async () => {
  cs = await startWorkbench({
    vsix: [VSIX_PATH],
    settings: TYPING_SETTINGS,
    extraFiles: { [XSS_FLOW]: XSS_SOURCE },
  });
  expectedText = fs.readFileSync(cs.workspace.file(DEMO_FLOW), 'utf8');
  // Wide enough that editor and DAG sit side by side with the DAG's details panel docked.
  browser = await launchChromium({ width: 1600, height: 1000 });
  page = browser.page;
  // Reachable from every frame, the webview's too: the XSS payloads call it if they ever run.
  await browser.context.exposeBinding('__mfXss', (_source, what) => {
    xssFired.push(String(what));
  });
  await openWorkbench(page, cs.url);
  await runCommand(page, 'View: Close Primary Side Bar');
});

after(async () => {
  const line = Object.entries(timings)
    .map(([k, v]) => `${k}: ${v} ms`)
    .join('; ');
  if (line) console.log(`e2e timings: ${line}`);
  await browser?.close();
  await cs?.stop();
});

test('opening the demo flow starts the language server (status bar shows it ready)', async (t) => {
  await withShot(t, async () => {
    const started = await quickOpen(page, DEMO_FLOW);
    const status = await waitForServerReady(page, 60000);
    timings['open flow -> server ready'] = Date.now() - started;
    t.diagnostic(`open flow -> server ready: ${timings['open flow -> server ready']} ms (status bar: "${status}")`);
    // Where that time went, in the extension's own words (activation, interpreter check, server start).
    for (const line of readExtensionLog(cs).split('\n')) {
      if (/activated in|checked in|is running/.test(line)) t.diagnostic(`  extension log: ${line.trim()}`);
    }
  });
});

test('"Metaflow: Show DAG" draws one node per step that `mfstudio graph` reports', async (t) => {
  await withShot(t, async () => {
    const expected = Object.keys((await graphOfFile(cs.workspace.file(DEMO_FLOW))).steps);
    assert.ok(expected.length >= 5, `the demo flow has steps: ${expected}`);
    const started = await runCommand(page, DAG_COMMAND);
    const drawn = await waitForDagSteps(page, (names) => names.length > 0, 30000);
    timings['Show DAG -> nodes drawn'] = Date.now() - started;
    t.diagnostic(`Show DAG -> nodes drawn: ${timings['Show DAG -> nodes drawn']} ms`);
    assert.equal(drawn.length, expected.length, `drew ${drawn}, CLI reports ${expected}`);
    assert.deepEqual(drawn, sorted(expected));
  });
});

test('clicking a DAG node moves the editor cursor to that step\'s def line', async (t) => {
  await withShot(t, async () => {
    const graph = await graphOfText(expectedText);
    for (const step of ['evaluate', 'train']) {
      const defLine = graph.steps[step].line;
      assert.match(expectedText.split('\n')[defLine - 1], new RegExp(`def ${step}\\(`));
      await dagFrame(page).locator(`g.mf-node[data-step="${step}"]`).click();
      const pos = await waitForCursorAfterDagClick(page, (p) => p.line === defLine);
      t.diagnostic(`clicked ${step}: status bar Ln ${pos.line}, Col ${pos.column}`);
    }
  });
});

test('after a DAG node click the keyboard stays in the editor: a typed character lands at the step', async (t) => {
  await withShot(t, async () => {
    const step = 'train';
    const defLine = (await graphOfText(expectedText)).steps[step].line;
    await page.keyboard.press('Control+1'); // start from the editor holding the focus
    const frame = await findDagFrame(page);
    // VS Code polls the webview's focus and re-activates the panel when its document has it,
    // taking the keyboard from the editor the click revealed: count the times it gets it.
    await frame.evaluate(() => {
      globalThis.__mfFocusCount = 0;
      globalThis.addEventListener('focus', () => (globalThis.__mfFocusCount += 1));
    });
    assert.equal(await frame.evaluate(() => globalThis.document.hasFocus()), false, 'the editor has the focus before the click');
    await dagFrame(page).locator(`g.mf-node[data-step="${step}"]`).click();
    // No refocusing here (unlike waitForCursorAfterDagClick): the editor must show it by itself.
    const pos = await waitForCursor(page, (p) => p.line === defLine);
    t.diagnostic(`clicked ${step}: status bar Ln ${pos.line}, Col ${pos.column}`);
    assert.equal(await frame.evaluate(() => globalThis.__mfFocusCount), 0, 'the DAG view never took the focus');
    // The reveal selected the step's name: a typed character replaces it, in the document.
    await page.keyboard.type('Q');
    // (\s: the editor renders spaces as no-break spaces)
    const edited = page.locator('.monaco-editor .view-line', { hasText: /def\sQ\(self/ });
    await edited.waitFor({ timeout: 10000 });
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: 10000 });
    await page.keyboard.press('Control+Z');
    await edited.waitFor({ state: 'detached', timeout: 10000 });
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 });
  });
});

/** Switches the color theme through the theme picker (it writes `workbench.colorTheme`) and waits for the workbench and the webview to follow. */
async function setColorTheme(theme, workbenchClass, webviewClass) {
  await pickColorTheme(page, theme);
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 20000 });
  await dagFrame(page).locator(`body.${webviewClass}`).waitFor({ timeout: 20000 });
  await page.mouse.move(5, 995); // no hover tooltips in the picture
  await page.waitForTimeout(500); // let the view repaint with the new CSS variables
}

test('the DAG follows the light and dark themes (screenshots for the docs)', async (t) => {
  await withShot(t, async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await setColorTheme('Light 2026', 'vs', 'vscode-light');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dag-light.png') });
    await setColorTheme('Dark 2026', 'vs-dark', 'vscode-dark');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dag-dark.png') });
    t.diagnostic(`saved dag-light.png and dag-dark.png in ${path.relative(process.cwd(), SCREENSHOT_DIR)}`);
  });
});

test('typing a new step and rewiring a transition adds its node to the DAG', async (t) => {
  await withShot(t, async () => {
    const before = await dagStepNames(page);
    assert.ok(!before.includes('extra'));
    // In summarize: `self.next(self.end)` -> `self.next(self.extra)`, then a new step below it.
    const line = lineOf(expectedText, 'self.next(self.end)');
    const added = ['', '    @step', '    def extra(self):', '        """Added by typing."""', '        self.next(self.end)'];
    await quickOpen(page, DEMO_FLOW);
    await goToLine(page, line);
    await replaceCurrentLine(page, 'self.next(self.extra)');
    await page.keyboard.press('End');
    await typeInEditor(page, `\n${added.join('\n')}`);
    expectedText = insertAfter(replaceLine(expectedText, line, 'self.next(self.extra)'), line, added);
    const started = Date.now();
    const after = await waitForDagSteps(page, (names) => names.includes('extra'), 20000);
    t.diagnostic(`DAG updated ${Date.now() - started} ms after the last keystroke`);
    assert.deepEqual(after, sorted([...before, 'extra']));
    // The new step is wired: clicking it reveals the typed def.
    const extraDef = (await graphOfText(expectedText)).steps.extra.line;
    assert.equal(extraDef, line + 3);
    await dagFrame(page).locator('g.mf-node[data-step="extra"]').click();
    await waitForCursorAfterDagClick(page, (p) => p.line === extraDef);
    // Sanity check of the typing itself: the saved file is exactly the text we meant to type.
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10000 });
    assert.equal(fs.readFileSync(cs.workspace.file(DEMO_FLOW), 'utf8'), expectedText);
  });
});

test('a transition to an unknown step shows the lint diagnostic in the editor and the Problems panel', async (t) => {
  await withShot(t, async () => {
    const line = lineOf(expectedText, 'self.next(self.choose)');
    expectedText = replaceLine(expectedText, line, 'self.next(self.nonexistent)');
    const reference = (await graphOfText(expectedText)).diagnostics.filter((d) => d.severity === 'error');
    assert.ok(reference.length > 0, 'mfstudio graph reports the broken transition');
    const diag = reference.find((d) => d.line === line) ?? reference[0];
    t.diagnostic(`reference diagnostic: ${JSON.stringify(diag)}`);

    await quickOpen(page, DEMO_FLOW);
    await goToLine(page, line);
    await replaceCurrentLine(page, 'self.next(self.nonexistent)');
    const started = Date.now();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20000 });
    t.diagnostic(`squiggle ${Date.now() - started} ms after the last keystroke`);
    const counts = await readProblemCounts(page);
    assert.ok(counts.errors >= 1, `status bar problems: ${JSON.stringify(counts)}`);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: diag.message }).first();
    await row.waitFor({ timeout: 15000 });
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, new RegExp(`Ln ${diag.line}\\b`), `problem row "${rowText}" is on line ${diag.line}`);
    await page.keyboard.press('Control+S');
  });
});

test('HTML in docstrings and parameter help renders as text and never executes', async (t) => {
  await withShot(t, async () => {
    const reference = await graphOfFile(cs.workspace.file(XSS_FLOW));
    assert.deepEqual(reference.diagnostics, [], 'the XSS flow itself is a valid flow');
    assert.equal(reference.parameters[0]?.help, `help ${XSS_IMG}`);
    const expected = Object.keys(reference.steps);
    await quickOpen(page, XSS_FLOW);
    await runCommand(page, DAG_COMMAND);
    await waitForDagSteps(page, (names) => names.join() === sorted(expected).join(), 30000);
    const frame = await findDagFrame(page);
    // The probe is reachable from the view: had a payload run, it would have been recorded.
    assert.equal(await frame.evaluate(() => typeof globalThis.__mfXss), 'function');
    await page.waitForTimeout(1000); // an onerror would fire asynchronously after the failed load
    // (runs in the webview's frame; globalThis is its window)
    const probe = await frame.evaluate(() => {
      const doc = globalThis.document;
      return {
        title: doc.title,
        text: doc.body.textContent ?? '',
        startTooltip: doc.querySelector('g.mf-node[data-step="start"] > title')?.textContent ?? '',
        injectedImgs: doc.querySelectorAll('img[src="x"], img[onerror], [onerror]').length,
        payloadScripts: [...doc.scripts].filter((s) => s.textContent?.includes('__mfXss')).length,
      };
    });
    assert.deepEqual(xssFired, [], 'no payload executed');
    assert.ok(!/XSS/.test(probe.title) && !/XSS/.test(await page.title()), `titles untouched: "${probe.title}"`);
    assert.equal(probe.injectedImgs, 0, 'no element from the payload was created');
    assert.equal(probe.payloadScripts, 0, 'no script element from the payload was created');
    // Shown literally: the step docstring in the node's tooltip, the flow docstring and the
    // parameter help in the details panel.
    assert.ok(probe.text.includes(`Flow docs ${XSS_SCRIPT} ${XSS_IMG}`), `flow docstring shown literally; the view shows: ${probe.text.slice(0, 600)}`);
    assert.ok(probe.startTooltip.includes(`Start docs ${XSS_SCRIPT} ${XSS_IMG}`), `start tooltip: ${probe.startTooltip}`);
    assert.ok(probe.text.includes(`help ${XSS_IMG}`), `parameter help shown literally; the view shows: ${probe.text.slice(0, 600)}`);
  });
});

// The 500 ms budget is a performance target: measured and printed here, never asserted (these
// machines are noisy). The test asserts what a user relies on: VS Code lists the extension as
// activated, with its activation time.
test('VS Code lists the extension as activated, with its activation time (target: at most 500 ms)', async (t) => {
  await withShot(t, async () => {
    await runCommand(page, 'Developer: Show Running Extensions');
    const list = page.locator('.runtime-extensions-editor .monaco-list').first();
    await list.waitFor({ timeout: 15000 });
    // The list is virtual and sorted slowest first: ours is usually last, so jump to the end.
    await page.locator('.runtime-extensions-editor .monaco-list-row').first().click();
    await page.keyboard.press('End');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Metaflow Studio' }).first();
    for (let i = 0; i < 40 && (await row.count()) === 0; i++) {
      await page.keyboard.press('PageUp');
      await page.waitForTimeout(100);
    }
    const text = (await row.locator('.activation-time').textContent({ timeout: 15000 })) ?? '';
    const m = text.match(/(\d+)\s*ms/);
    assert.ok(m, `activation time shown: "${text}"`);
    timings['extension activation'] = Number(m[1]);
    const verdict = Number(m[1]) <= 500 ? 'within' : 'OVER';
    t.diagnostic(`extension activation: ${m[1]} ms (${verdict} the 500 ms target; "${text.trim()}")`);
    // The view opens as a modal editor over the workbench: close it for the tests after this one.
    await page.keyboard.press('Escape');
    await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: 10000 });
  });
});

test('the DAG panel comes back with its graph after the window reloads', async (t) => {
  await withShot(t, async () => {
    const before = await waitForDagSteps(page, (names) => names.length > 0, 15000);
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded; // the old page, and the panel in it, are gone
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    const started = Date.now();
    // The panel serializer restores the view with its saved graph, then the server refreshes it.
    const after = await waitForDagSteps(page, (names) => names.join() === before.join(), 60000);
    assert.deepEqual(after, before);
    t.diagnostic(`reload -> DAG drawn again (${after.length} steps): ${Date.now() - started} ms`);
  });
});
