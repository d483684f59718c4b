/**
 * What a user does in the workbench, as Playwright steps: open a file with Quick Open, run a
 * command from F1, read the status bar, reach the DAG webview.
 *
 * Why: selectors for VS Code's DOM live in one place, so a workbench upgrade is one edit.
 */

/** @typedef {import('playwright-core').Page} Page */

/** Loads the workbench URL and waits until the explorer lists the workspace. */
export async function openWorkbench(page, url, timeout = 60000) {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout });
}

/**
 * Opens a workspace file through Quick Open (Ctrl+P), as a user would; resolves when its
 * editor is focused, with the time (Date.now()) the file was picked.
 */
export async function quickOpen(page, relPath) {
  const base = relPath.split('/').pop();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(relPath);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first();
  await row.waitFor({ timeout: 20000 });
  const pressed = Date.now();
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: base }).waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: 20000 });
  return pressed;
}

/** Moves the cursor to the start of line `line` (1-based) with Quick Open's `:line`. */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15000 });
  await waitForCursor(page, (pos) => pos.line === line);
}

export const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Quick Input row whose label is exactly `label` (not one that merely contains it). */
export function quickInputRow(page, label) {
  return page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
    .first();
}

/**
 * Runs a command by its palette title (e.g. "Metaflow: Show DAG") through F1, picking the
 * row with exactly that title. Unless `opensPicker` (the command shows its own Quick Pick),
 * waits for the palette to close. Resolves with the time (Date.now()) the row was clicked.
 */
export async function runCommand(page, title, { opensPicker = false } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  const row = quickInputRow(page, title);
  await row.waitFor({ timeout: 30000 });
  const clicked = Date.now();
  await row.click();
  if (!opensPicker) await input.waitFor({ state: 'hidden', timeout: 15000 });
  return clicked;
}

/** Picks a color theme the way users do (F1 "Preferences: Color Theme"); VS Code writes `workbench.colorTheme` to the user settings. */
export async function pickColorTheme(page, theme) {
  await runCommand(page, 'Preferences: Color Theme', { opensPicker: true });
  await page.locator('.quick-input-widget input').fill(theme);
  const row = quickInputRow(page, theme);
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 15000 });
}

/** The status bar entry VS Code shows for the active editor's selection ("Ln 12, Col 5"). */
export function cursorStatus(page) {
  return page.locator('[id="status.editor.selection"]');
}

/** Reads the cursor position from the status bar. @returns {Promise<{line: number, column: number} | null>} */
export async function readCursor(page) {
  const text = await cursorStatus(page).textContent({ timeout: 2000 }).catch(() => null);
  const m = text?.match(/Ln (\d+), Col (\d+)/);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

/** Polls the status bar until `pred(position)` holds. */
export async function waitForCursor(page, pred, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last = null;
  while (Date.now() < deadline) {
    last = await readCursor(page);
    if (last && pred(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`cursor never matched; last status bar position: ${JSON.stringify(last)}`);
}

/**
 * Waits until the editor's cursor, as the status bar shows it, satisfies `pred` after a click
 * in the DAG. The workbench may hand focus back to the webview after the click, and VS Code then
 * hides the editor's "Ln, Col" entry: if it does not show the expected position, focus the first
 * editor group (the flow's source; focusing moves no cursor) and read it again.
 */
export async function waitForCursorAfterDagClick(page, pred) {
  try {
    return await waitForCursor(page, pred, 5000);
  } catch {
    await page.keyboard.press('Control+1');
    return waitForCursor(page, pred);
  }
}

/** Error and warning counts from the status bar's problems entry. */
export async function readProblemCounts(page) {
  const label = (await page.locator('[id="status.problems"] a, [id="status.problems"]').first().getAttribute('aria-label')) ?? '';
  const text = (await page.locator('[id="status.problems"]').textContent()) ?? '';
  const nums = (label.match(/\d+/g) ?? text.match(/\d+/g) ?? []).map(Number);
  return { errors: nums[0] ?? 0, warnings: nums[1] ?? 0 };
}

/** The DAG webview's document: VS Code's outer webview iframe, then the extension's own frame. */
export function dagFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The concrete Frame holding the DAG (for evaluate()), found among all frames. */
export async function findDagFrame(page, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator('g.mf-node[data-step]').count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('no frame with DAG nodes');
}

/** Step names of the nodes the DAG currently draws, sorted. */
export async function dagStepNames(page) {
  const names = await dagFrame(page)
    .locator('g.mf-node[data-step]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-step') ?? ''));
  return names.sort();
}

/** Polls the DAG until its sorted step names satisfy `pred`. */
export async function waitForDagSteps(page, pred, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let last = [];
  while (Date.now() < deadline) {
    last = await dagStepNames(page).catch(() => []);
    if (pred(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`DAG never matched; it last drew: ${JSON.stringify(last)}`);
}

/** Types text into the focused editor, one key at a time ("\n" presses Enter). */
export async function typeInEditor(page, text) {
  await page.keyboard.type(text, { delay: 5 });
}

/** Replaces the text of the current line after its indentation with `text`. */
export async function replaceCurrentLine(page, text) {
  await page.keyboard.press('End');
  await page.keyboard.press('Home'); // from the line's end, Home stops at the first non-blank
  await page.keyboard.press('Shift+End');
  await typeInEditor(page, text);
}

/** The extension's status bar entry (its DOM id starts with the extension id). */
export function metaflowStatus(page) {
  return page.locator('.statusbar-item[id^="metaflow-studio.metaflow-studio"]').first();
}

/**
 * Waits until the extension's status bar entry says the language server is ready, and
 * returns what it says. Fails fast with its text when it reports an error.
 */
export async function waitForServerReady(page, timeout = 60000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    const item = metaflowStatus(page);
    if (await item.count()) {
      const text = ((await item.textContent().catch(() => '')) ?? '').trim();
      const label = (await item.getAttribute('aria-label').catch(() => '')) ?? '';
      last = `${text} | ${label}`;
      // accessibility label: "Metaflow: <starting|running|error|stopped>[, <FlowName>]"
      if (/Metaflow: (error|stopped)/i.test(label)) throw new Error(`language server not ready: ${last}`);
      if (/Metaflow: running/i.test(label)) return last;
    }
    await page.waitForTimeout(25);
  }
  throw new Error(`language server never reported ready; status bar: "${last}"`);
}
