import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorMessage, TextTail } from '../../src/common/log';

describe('the stderr tail kept while the server starts', () => {
  it('gives the last non-blank line across chunks', () => {
    const tail = new TextTail();
    tail.append('Traceback (most recent call last):\n  File "x.py", line 1\nModuleNotFo');
    tail.append("undError: No module named 'lsprotocol'\r\n\n");
    assert.equal(tail.lastLine(), "ModuleNotFoundError: No module named 'lsprotocol'");
  });

  it('keeps only the last characters', () => {
    const tail = new TextTail(10);
    tail.append('a'.repeat(100) + '\nshort');
    assert.equal(tail.lastLine(), 'short');
    assert.equal(new TextTail().lastLine(), '');
  });
});

describe('error messages', () => {
  it('reads Errors, strings and JSON-RPC error objects', () => {
    assert.equal(errorMessage(new Error('boom')), 'boom');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage({ code: -32603, message: 'Unknown flow NoSuchFlow' }), 'Unknown flow NoSuchFlow');
    assert.equal(errorMessage(42), '42');
  });
});
