import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFlowDocument, mentionsFlowSpec } from '../../src/common/flowDocuments';

const doc = (languageId: string, scheme: string, text: string) => ({ languageId, uri: { scheme }, getText: () => text });

describe('which documents start the server', () => {
  it('recognises a FlowSpec mention as a whole word', () => {
    assert.equal(mentionsFlowSpec('from metaflow import FlowSpec, step'), true);
    assert.equal(mentionsFlowSpec('class A(metaflow.FlowSpec):'), true);
    assert.equal(mentionsFlowSpec('class MyFlowSpecHelper: pass'), false);
    assert.equal(mentionsFlowSpec('import pandas'), false);
  });

  it('accepts Python files and untitled buffers only', () => {
    const text = 'from metaflow import FlowSpec';
    assert.equal(isFlowDocument(doc('python', 'file', text)), true);
    assert.equal(isFlowDocument(doc('python', 'untitled', text)), true);
    assert.equal(isFlowDocument(doc('python', 'git', text)), false);
    assert.equal(isFlowDocument(doc('markdown', 'file', text)), false);
    assert.equal(isFlowDocument(doc('python', 'file', 'print(1)')), false);
  });
});
