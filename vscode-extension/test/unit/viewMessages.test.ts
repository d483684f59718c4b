import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportBytes, parseViewMessage } from '../../src/views/viewMessages';

describe('messages from the DAG view', () => {
  it('accepts each well-formed message, dropping extra fields', () => {
    assert.deepEqual(parseViewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseViewMessage({ type: 'revealStep', step: 'train' }), { type: 'revealStep', step: 'train' });
    assert.deepEqual(parseViewMessage({ type: 'rendered', flow: null, nodes: 8, millis: 3.5 }), {
      type: 'rendered',
      flow: null,
      nodes: 8,
      millis: 3.5,
    });
    assert.deepEqual(parseViewMessage({ type: 'exported', format: 'svg', data: '<svg/>' }), {
      type: 'exported',
      format: 'svg',
      data: '<svg/>',
    });
    assert.deepEqual(parseViewMessage({ type: 'error', message: 'x' }), { type: 'error', message: 'x' });
  });

  it('rejects malformed messages', () => {
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'revealStep' },
      { type: 'revealStep', step: 3 },
      { type: 'exported', format: 'gif', data: '' },
      { type: 'rendered', flow: 'F', nodes: '8', millis: 1 },
      { type: 'eval', code: 'x' },
    ]) {
      assert.equal(parseViewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('export bytes', () => {
  it('writes SVG text as UTF-8', () => {
    assert.deepEqual(Buffer.from(exportBytes('svg', '<svg>é</svg>')).toString('utf8'), '<svg>é</svg>');
  });

  it('decodes a PNG data URL', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bytes = exportBytes('png', `data:image/png;base64,${png.toString('base64')}`);
    assert.deepEqual(Buffer.from(bytes), png);
  });

  it('refuses anything but a PNG data URL for PNG', () => {
    assert.throws(() => exportBytes('png', 'data:text/html;base64,PHNjcmlwdD4='), /PNG/);
    assert.throws(() => exportBytes('png', '<svg/>'), /PNG/);
  });
});
