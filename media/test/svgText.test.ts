import assert from 'node:assert/strict';
import { test } from 'node:test';
import { el, escapeXmlAttr, escapeXmlText, serializeSvg, stripInvalidXmlChars } from '../src/dag/svgText';

const evil = `<script>alert("x")</script> & <img src=x onerror='alert(1)'>`;

test('text content is escaped: no markup survives', () => {
  assert.equal(escapeXmlText('<a> & b'), '&lt;a&gt; &amp; b');
  const svg = serializeSvg(el('svg', {}, [el('title', {}, [], evil), el('text', { x: '1' }, [], evil)]));
  assert.ok(!svg.includes('<script'));
  assert.ok(!svg.includes('<img'));
  assert.ok(svg.includes('&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;img src=x onerror=\'alert(1)\'&gt;'));
});

test('attribute values are escaped, quotes included', () => {
  assert.equal(escapeXmlAttr(`a"b'c<d>&\n`), 'a&quot;b&#39;c&lt;d&gt;&amp;&#10;');
  const svg = serializeSvg(el('svg', {}, [el('g', { 'data-step': `x" onload="alert(1)` })]));
  assert.ok(svg.includes('data-step="x&quot; onload=&quot;alert(1)"'));
  assert.ok(!/\sonload="/.test(svg), 'the payload stays inside the attribute value');
});

test('event-handler attributes and odd names are refused outright', () => {
  assert.throws(() => serializeSvg(el('svg', { onload: 'x' })), /attribute/);
  assert.throws(() => serializeSvg(el('svg', { 'a b': 'x' })), /attribute/);
  assert.throws(() => serializeSvg(el('svg', {}, [el('scr ipt')])), /element/);
});

test('a standalone document: XML declaration and the SVG namespace', () => {
  const svg = serializeSvg(el('svg', { width: '10', height: '10' }, [el('rect', { width: '1', height: '1' })]));
  assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"'));
  assert.ok(svg.includes('<rect width="1" height="1"/>'));
});

test('characters XML forbids are dropped; others (accents, emoji) kept', () => {
  assert.equal(stripInvalidXmlChars('a\u0000b\u0008c\tdé😀\uFFFF'), 'abc\tdé😀');
  assert.equal(stripInvalidXmlChars('x\uD800y'), 'xy');
});
