/**
 * The UI panels' webview HTML: the shell media's ui bundle mounts on (`<div id="app">`,
 * its first route in `data-route`), under the same strict nonce CSP as the DAG panel.
 * Pure (no vscode API) so the CSP and the escaping are unit-tested.
 */
import { escapeHtml, webviewPage } from './dagHtml';

export interface UiHtmlInputs {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/media/ui.js and ui.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
  /** The page's first route (a location hash, `#/run/F/R`). */
  route: string;
  /** Shown until the page draws (and to screen readers). */
  title: string;
}

export function buildUiHtml(inputs: UiHtmlInputs): string {
  if (!inputs.route.startsWith('#/')) {
    throw new Error(`A UI route is a location hash starting with #/, got ${inputs.route}.`);
  }
  const title = escapeHtml(inputs.title);
  return webviewPage(inputs, `id="app" data-route="${escapeHtml(inputs.route)}" aria-label="${title}"`);
}
