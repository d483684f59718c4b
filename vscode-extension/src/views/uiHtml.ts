/**
 * The UI panels' webview HTML: the shell media's ui bundle mounts on (`<div id="app">`,
 * its first route in `data-route`), under the same strict nonce CSP as the DAG panel.
 * Pure (no vscode API) so the CSP and the escaping are unit-tested.
 */
import { contentSecurityPolicy, escapeHtml } from './dagHtml';

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
  if (!/^[A-Za-z0-9+/_=-]+$/.test(inputs.nonce)) {
    throw new Error('A CSP nonce must be base64 characters only.');
  }
  if (!inputs.route.startsWith('#/')) {
    throw new Error(`A UI route is a location hash starting with #/, got ${inputs.route}.`);
  }
  const csp = escapeHtml(contentSecurityPolicy(inputs.cspSource, inputs.nonce));
  const title = escapeHtml(inputs.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(inputs.styleUri)}">
<title>${title}</title>
</head>
<body>
<div id="app" data-route="${escapeHtml(inputs.route)}" aria-label="${title}"></div>
<script nonce="${inputs.nonce}" src="${escapeHtml(inputs.scriptUri)}"></script>
</body>
</html>
`;
}
