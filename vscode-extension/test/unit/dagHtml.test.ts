import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDagHtml, contentSecurityPolicy, createNonce, escapeHtml } from '../../src/views/dagHtml';

const inputs = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/dag.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/dag.css',
  nonce: 'abcDEF123_-',
  title: 'Metaflow DAG',
};

describe('DAG webview HTML', () => {
  it('declares the strict CSP: nothing by default, scripts only with the nonce', () => {
    assert.equal(
      contentSecurityPolicy(inputs.cspSource, 'N0nce'),
      "default-src 'none'; script-src 'nonce-N0nce'; style-src https://file+.vscode-resource.vscode-cdn.net; " +
        'img-src https://file+.vscode-resource.vscode-cdn.net data:; font-src https://file+.vscode-resource.vscode-cdn.net',
    );
    const html = buildDagHtml(inputs);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-abcDEF123_-&#39;;/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads exactly one script, the bundle, carrying the nonce; no inline script or style', () => {
    const html = buildDagHtml(inputs);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="abcDEF123_-" src="${inputs.scriptUri}">`]);
    assert.match(html, /<script[^>]*><\/script>/);
    assert.doesNotMatch(html, /<style|style="|\son[a-z]+=/i);
    assert.match(html, new RegExp(`<link rel="stylesheet" href="${inputs.styleUri.replace(/[.+]/g, '\\$&')}">`));
  });

  it('gives the front-end its mount point', () => {
    assert.match(buildDagHtml(inputs), /<div id="root"[^>]*><\/div>/);
  });

  it('escapes the title and URIs', () => {
    const html = buildDagHtml({ ...inputs, title: '<script>alert(1)</script> & "q"', scriptUri: 'https://x/a.js?"><img src=x onerror=alert(1)>' });
    assert.doesNotMatch(html, /<script>alert|<img/);
    assert.match(html, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;q&quot;<\/title>/);
    assert.match(html, /src="https:\/\/x\/a\.js\?&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/);
  });

  it('refuses a nonce that could break out of the attribute', () => {
    assert.throws(() => buildDagHtml({ ...inputs, nonce: 'x" onload="y' }), /nonce/);
  });

  it('makes a fresh 128-bit base64url nonce each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, createNonce));
    assert.equal(nonces.size, 200);
    for (const nonce of nonces) {
      assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('escapes the five HTML specials', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
