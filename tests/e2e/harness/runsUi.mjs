/**
 * The Runs view (the Metaflow activity-bar container) and the documents and panels it opens,
 * as Playwright steps: open the view from its icon, read the tree's rows as the user sees
 * them, expand a row by its twistie, press a row's inline button, read an editor's text,
 * Ctrl+click a link, reach a card's iframe.
 *
 * Why: the tree is VS Code's virtual list (rows are absolutely placed, only those in view
 * exist, indices shift as rows expand), so tests address rows by their path of labels from
 * the top (`['TrainingFlow', runId, 'train']`), re-read each time, never by a stale handle.
 */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */

/**
 * One row of the tree as shown: its label and description, the codicon of its icon
 * (`check`, `error`, ...), its level (1 = flows), `expanded` (true, false, or null for a
 * leaf) and its accessible label (the item's tooltip).
 * @typedef {{index: number, level: number, label: string, description: string, icon: string | null, expanded: boolean | null, loading: boolean, tooltip: string}} TreeRow
 */

const VIEW = '[id="workbench.view.extension.metaflow"]';
const ACTIVITY_ICON = '.activitybar .action-item a.action-label[aria-label^="Metaflow"]';

/** The Runs tree (VS Code's list widget inside the Metaflow view container). */
export function runsTree(page) {
  return page.locator(`${VIEW} .monaco-list[role="tree"]`).first();
}

/** Clicks the Metaflow icon in the activity bar; resolves when the Runs tree shows a row. */
export async function openRunsView(page, timeout = 90000) {
  await page.locator(ACTIVITY_ICON).first().click({ timeout });
  await runsTree(page).locator('.monaco-list-row').first().waitFor({ timeout });
}

/** The rows the tree currently renders, top to bottom. @returns {Promise<TreeRow[]>} */
export async function readTree(page) {
  const rows = await runsTree(page)
    .locator('.monaco-list-row')
    .evaluateAll((els) =>
      els.map((el) => {
        const icon = el.querySelector('.custom-view-tree-node-item-icon');
        const codicon = icon ? [...icon.classList].find((c) => c.startsWith('codicon-') && c !== 'codicon-colored') : undefined;
        const twistie = el.querySelector('.monaco-tl-twistie');
        const expanded = el.getAttribute('aria-expanded');
        const text = (sel) => (el.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ');
        return {
          index: Number(el.getAttribute('data-index')),
          level: Number(el.getAttribute('aria-level')),
          label: text('.label-name'),
          description: text('.label-description'),
          icon: codicon ? codicon.slice('codicon-'.length) : null,
          expanded: expanded === null ? null : expanded === 'true',
          loading: twistie?.classList.contains('codicon-tree-item-loading') ?? false,
          tooltip: el.getAttribute('aria-label') ?? '',
        };
      }),
    );
  return rows.sort((a, b) => a.index - b.index);
}

/** The rows directly under `parent` (by level, in order), from a snapshot of the tree. */
export function childrenOf(rows, parent) {
  const children = [];
  for (const row of rows.slice(rows.findIndex((r) => r.index === parent.index) + 1)) {
    if (row.level <= parent.level) break;
    if (row.level === parent.level + 1) children.push(row);
  }
  return children;
}

/** The row at `labels` (one label per level from the top) in a snapshot, or undefined. */
function lookup(rows, labels) {
  let scope = rows.filter((r) => r.level === 1);
  let found;
  for (const label of labels) {
    found = scope.find((r) => r.label === label);
    if (found === undefined) return undefined;
    scope = childrenOf(rows, found);
  }
  return found;
}

const describeRows = (rows) => rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label}  ${r.description}`).join('\n');

/** Polls the tree until `pred(rows)` returns something; fails with what the tree showed. */
async function pollTree(page, what, pred, timeout) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await readTree(page).catch(() => []);
    const found = pred(rows);
    if (found !== undefined) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`Runs view: ${what} never showed; the tree showed:\n${describeRows(rows)}`);
}

/** Waits for the row at `labels` and returns it. @returns {Promise<TreeRow>} */
export function findRow(page, labels, timeout = 30000) {
  return pollTree(page, `row ${labels.join(' > ')}`, (rows) => lookup(rows, labels), timeout);
}

/** The row's element, by its current index (valid until the tree changes). */
export function rowLocator(page, row) {
  return runsTree(page).locator(`.monaco-list-row[data-index="${row.index}"]`);
}

/**
 * Expands the row at `labels` with its twistie (as a user clicks it) unless it is open, and
 * waits until its children have loaded. @returns {Promise<TreeRow[]>} the children
 */
export async function expandRow(page, labels, timeout = 30000) {
  const row = await findRow(page, labels, timeout);
  if (row.expanded === false) await rowLocator(page, row).locator('.monaco-tl-twistie').click();
  return pollTree(
    page,
    `children of ${labels.join(' > ')}`,
    (rows) => {
      const now = lookup(rows, labels);
      const children = now && !now.loading && now.expanded ? childrenOf(rows, now) : [];
      return children.length > 0 ? children : undefined;
    },
    timeout,
  );
}

/** Hovers the row at `labels` and clicks its inline button titled `title` (e.g. "Show Failure"). */
export async function clickRowAction(page, labels, title) {
  const row = rowLocator(page, await findRow(page, labels));
  await row.hover();
  await row.locator(`.actions a.action-label[aria-label="${title}"]`).click();
}

/** The titles of the active tab of each editor group, as shown. */
export async function activeTabTitles(page) {
  const titles = await page.locator('.tabs-container .tab.active .tab-label').allTextContents();
  return titles.map((t) => t.replace(/\u00a0/g, ' ').trim());
}

/** Waits until an editor group's active tab is titled `title` (a file's name, a panel's title). */
export async function waitForActiveTab(page, title, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let titles = [];
  while (Date.now() < deadline) {
    titles = await activeTabTitles(page).catch(() => []);
    if (titles.includes(title)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`no active tab titled "${title}"; the active tabs are ${JSON.stringify(titles)}`);
}

/**
 * The lines the active editor renders (those in view), top to bottom, as plain text.
 * Monaco draws spaces as no-break spaces and places lines absolutely, hence the clean-up.
 */
export async function editorLines(page) {
  const lines = await page
    .locator('.editor-group-container.active .editor-instance .view-lines .view-line')
    .evaluateAll((els) => els.map((el) => ({ top: parseFloat(el.style.top) || 0, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') })));
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}

/** Polls the active editor until its text satisfies `pred`; fails with what it showed. */
export async function waitForEditorText(page, what, pred, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let lines = [];
  while (Date.now() < deadline) {
    lines = await editorLines(page).catch(() => []);
    if (pred(lines.join('\n'))) return lines;
    await page.waitForTimeout(100);
  }
  throw new Error(`the editor never showed ${what}; it showed:\n${lines.join('\n')}`);
}

/**
 * Ctrl+clicks the middle of `target` (how a link in an editor opens). Through the mouse, not
 * `locator.click`: Monaco's own layer takes the pointer and re-renders the spans on hover.
 */
export async function ctrlClick(page, target) {
  const box = await target.boundingBox();
  if (box === null) throw new Error('the link to click is not visible');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.keyboard.down('Control');
  try {
    await page.mouse.click(x, y);
  } finally {
    await page.keyboard.up('Control');
  }
}

/** The card panel's page (VS Code's webview iframe, then its content frame). */
export function cardPanelFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The concrete frame of a card (an `about:srcdoc` iframe), for evaluate(). */
export async function findCardFrame(page, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url() === 'about:srcdoc');
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no card frame (about:srcdoc) in the page');
}

/**
 * Drags the sash on the side bar's right edge until the side bar is `width` px wide, so the
 * tree's descriptions (start time, duration, tags) are not cut off.
 */
export async function setSideBarWidth(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (box === null) throw new Error('the side bar is not visible');
  const [x, y] = [box.x + box.width, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}
