/**
 * The DAG webview's HTML: a static shell that loads the media bundle under a strict CSP
 * with a fresh nonce. Pure (no vscode API) so the CSP and the escaping are unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface DagHtmlInputs {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/media/dag.js and dag.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
  /** Shown until the view renders (and to screen readers). */
  title: string;
}

/** 128 random bits, base64url: a CSP nonce that never repeats across loads. */
export function createNonce(): string {
  return randomBytes(16).toString('base64url');
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * The shell every panel loads: its stylesheet, one mount element, its script, under the
 * strict CSP. `mount` is the mount element's attributes, already escaped by the caller.
 */
export function webviewPage(inputs: DagHtmlInputs, mount: string): string {
  if (!/^[A-Za-z0-9+/_=-]+$/.test(inputs.nonce)) {
    throw new Error('A CSP nonce must be base64 characters only.');
  }
  const csp = escapeHtml(contentSecurityPolicy(inputs.cspSource, inputs.nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(inputs.styleUri)}">
<title>${escapeHtml(inputs.title)}</title>
</head>
<body>
<div ${mount}></div>
<script nonce="${inputs.nonce}" src="${escapeHtml(inputs.scriptUri)}"></script>
</body>
</html>
`;
}

export function buildDagHtml(inputs: DagHtmlInputs): string {
  return webviewPage(inputs, `id="root" role="application" aria-label="${escapeHtml(inputs.title)}"`);
}
