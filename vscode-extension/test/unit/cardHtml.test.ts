import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CardInfo } from '../../src/common/runsProtocol';
import { CARD_CSP, cardPageHtml, escapeHtml } from '../../src/views/cardHtml';

const CARD: CardInfo = { pathspec: 'F/1/end/9', type: 'default', id: null, hash: 'abc', size: 60, html: '<html><script>alert("x" & \'y\')</script></html>' };

describe('card page', () => {
  it('puts each card in a sandboxed iframe without same-origin', () => {
    const html = cardPageHtml('F/1/end/9', [CARD]);
    const frames = html.match(/<iframe [^>]*>/g) ?? [];
    assert.equal(frames.length, 1);
    assert.match(frames[0] ?? '', /sandbox="allow-scripts"/);
    assert.doesNotMatch(html, /allow-same-origin/);
  });

  it('escapes the card into srcdoc so it cannot end the attribute', () => {
    const html = cardPageHtml('F/1/end/9', [CARD]);
    assert.ok(html.includes(`srcdoc="${escapeHtml(CARD.html ?? '')}"`));
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)'));
    assert.ok(!html.includes('<script>'), 'the page around the cards has no script of its own');
  });

  it('denies everything but inline code and data: images under its policy', () => {
    assert.ok(cardPageHtml('p', [CARD]).includes(`content="${CARD_CSP}"`));
    assert.match(CARD_CSP, /^default-src 'none'/);
    assert.doesNotMatch(CARD_CSP, /connect-src|https?:|\*/);
  });

  it('titles several cards and explains one too large to load', () => {
    const html = cardPageHtml('p', [CARD, { ...CARD, type: 'blank', id: 'summary', html: null, size: 30_000_000 }]);
    assert.match(html, /<h2>default card<\/h2>/);
    assert.match(html, /<h2>blank card &quot;summary&quot;<\/h2>/);
    assert.match(html, /30000000 bytes\) was not loaded/);
  });
});
