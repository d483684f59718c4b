/**
 * The card panel's page: each card's HTML in its own `<iframe sandbox="allow-scripts"
 * srcdoc=...>`. Pure, so the escaping and the policy are unit-tested.
 *
 * Why this policy: a Metaflow card is a self-contained page whose scripts and styles are
 * inline, and an iframe's srcdoc document inherits its parent's Content-Security-Policy, so
 * the page must allow inline script and style for the card to render. What keeps a card
 * harmless is everything else: the page itself has no script at all; the iframe's sandbox
 * has no `allow-same-origin`, so the card runs in an opaque origin that cannot reach the
 * webview (no `acquireVsCodeApi`, no extension messages), its storage or its DOM; and
 * `default-src 'none'` with no `connect-src` leaves it no network (images and fonts only as
 * `data:` URIs, as Metaflow embeds them). No local server is involved.
 */
import { escapeHtml } from './dagHtml';
import type { CardInfo } from '../common/runsProtocol';

export const CARD_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  'font-src data:',
  'frame-src about:',
].join('; ');

export { escapeHtml };

/** A card's heading: its type, and its id when it has one. */
export function cardTitle(card: CardInfo): string {
  return card.id ? `${card.type} card "${card.id}"` : `${card.type} card`;
}

export function cardPageHtml(pathspec: string, cards: CardInfo[]): string {
  const single = cards.length === 1;
  const sections = cards.map((card) => {
    const body =
      card.html !== null
        ? `<iframe class="card" title="${escapeHtml(cardTitle(card))}" sandbox="allow-scripts" referrerpolicy="no-referrer" srcdoc="${escapeHtml(card.html)}"></iframe>`
        : `<p class="missing">This card (${card.size} bytes) was not loaded: it is larger than the preview limit.</p>`;
    return `<section>${single ? '' : `<h2>${escapeHtml(cardTitle(card))}</h2>`}${body}</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${CARD_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(pathspec)}</title>
<style>
  html, body { margin: 0; padding: 0; height: 100%; background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  section { display: flex; flex-direction: column; height: ${single ? '100vh' : '90vh'}; }
  h2 { font-size: 1em; margin: 0.6em 0.8em; font-weight: 600; }
  iframe.card { flex: 1; width: 100%; border: 0; background: white; }
  p.missing { margin: 1em; }
</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
}
