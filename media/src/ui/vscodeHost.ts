/**
 * The UI inside a VS Code webview (the "Open run", "Compare runs" and "Show lineage" panels
 * of vscode-extension/src/views/uiPanel.ts): what a webview needs that a browser tab does not.
 *
 * - The first route comes from the extension (`data-route` on #app), or from the webview's
 *   saved state when VS Code reloads the panel; every route change is saved.
 * - In-page links (`<a href="#/run/...">`) are followed here: VS Code's webview frame takes
 *   every click on a fragment link for scrolling (and cancels it), so without this the
 *   page's links would do nothing.
 * - After each burst of changes the page reports what it shows (`rendered`): the extension
 *   names the panel after it, and its tests know the panel drew real data.
 */
import { isRecord } from '../guards';
import type { StudioApi } from './api';
import { hostApi } from './api';
import type { RenderedReport } from './vscodeMessages';

export type { RenderedReport } from './vscodeMessages';

/** The part of `acquireVsCodeApi()` this module uses. */
export interface WebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Quiet time after the last change before the page reports (a view draws in bursts). */
const REPORT_QUIET_MS = 150;

/** Saved webview state: the route shown. */
function savedRoute(state: unknown): string | null {
  return isRecord(state) && typeof state.route === 'string' && state.route.startsWith('#/') ? state.route : null;
}

/** Puts the saved route, else the extension's `data-route`, in the address before the app reads it. */
export function restoreRoute(vscode: WebviewApi, mount: HTMLElement): void {
  const route = savedRoute(vscode.getState()) ?? mount.dataset.route;
  if (route?.startsWith('#/') && window.location.hash !== route) history.replaceState(null, '', route);
  window.addEventListener('hashchange', () => vscode.setState({ route: window.location.hash }));
}

/** Follows plain clicks on in-page links (VS Code's frame would cancel them). */
export function followHashLinks(doc: Document): void {
  doc.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    const href = link?.getAttribute('href');
    if (href && href !== window.location.hash) window.location.hash = href;
  });
}

export function renderedReport(root: ParentNode): RenderedReport {
  const testids = new Set(Array.from(root.querySelectorAll<HTMLElement>('[data-testid]'), (el) => el.dataset.testid ?? ''));
  return {
    type: 'rendered',
    route: window.location.hash,
    view: document.body.dataset.view ?? '',
    title: document.title,
    parts: [...testids].filter((t) => t !== '').sort(),
    errors: Array.from(root.querySelectorAll('[data-testid="error-banner"]'), (el) => el.textContent ?? ''),
    dagNodes: root.querySelectorAll('g.mf-node').length,
    lineageNodes: root.querySelectorAll('g.ui-lineage__node').length,
    compareRows: root.querySelectorAll('[data-testid="compare-view"] tbody tr').length,
  };
}

/** Posts a RenderedReport after each burst of changes under `root`, when it differs from the last. */
export function reportRendered(root: HTMLElement, post: (report: RenderedReport) => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const report = (): void => {
    const next = renderedReport(root);
    const text = JSON.stringify(next);
    if (text === last) return;
    last = text;
    post(next);
  };
  new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(report, REPORT_QUIET_MS);
  }).observe(root, { childList: true, subtree: true, characterData: true });
  window.addEventListener('hashchange', () => {
    clearTimeout(timer);
    timer = setTimeout(report, REPORT_QUIET_MS);
  });
}

/**
 * The UI's API in a webview: postMessage to the extension (hostApi), after the route and
 * link set-up above. Call before the app mounts (it reads the route once).
 */
export function webviewApi(vscode: WebviewApi, mount: HTMLElement): StudioApi {
  restoreRoute(vscode, mount);
  followHashLinks(document);
  reportRendered(mount, (report) => vscode.postMessage(report));
  return hostApi(
    {
      post: (message) => vscode.postMessage(message),
      onMessage: (handler) => window.addEventListener('message', (event: MessageEvent<unknown>) => handler(event.data)),
    },
    // The extension may name a base URL it serves cards from (data-card-base on #app).
    mount.dataset.cardBase !== undefined ? { cardBase: mount.dataset.cardBase } : {},
  );
}
