import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFlowGraph, parseHostMessage } from '../src/host';
import { parseSavedState } from '../src/dag/view';
import { linearGraph } from './fixtures';

test('host messages are accepted by type and shape', () => {
  const graph = linearGraph();
  assert.deepEqual(parseHostMessage({ type: 'graph', graph }), { type: 'graph', graph });
  assert.deepEqual(parseHostMessage({ type: 'highlight', step: 'a' }), { type: 'highlight', step: 'a' });
  assert.deepEqual(parseHostMessage({ type: 'highlight', step: null }), { type: 'highlight', step: null });
  assert.deepEqual(parseHostMessage({ type: 'export', format: 'png' }), { type: 'export', format: 'png' });
  assert.deepEqual(parseHostMessage({ type: 'fit' }), { type: 'fit' });
});

test('anything else is ignored, including the view\'s own messages echoed back', () => {
  for (const bad of [null, 'graph', [], { type: 'rendered', flow: 'x', nodes: 1, millis: 1 }, { type: 'ready' }, { type: 'export', format: 'gif' }, { type: 'highlight', step: 3 }, { type: 'graph', graph: { steps: [] } }]) {
    assert.equal(parseHostMessage(bad), null, JSON.stringify(bad));
  }
});

test('a graph needs steps with a type and string transitions', () => {
  assert.ok(isFlowGraph(linearGraph()));
  assert.ok(!isFlowGraph({ ...linearGraph(), steps: { a: { type: 'linear', next: [1] } } }));
  assert.ok(!isFlowGraph({ ...linearGraph(), flow: 3 }));
});

test('saved state is validated before use', () => {
  const graph = linearGraph();
  assert.deepEqual(parseSavedState({ version: 1, graph, transform: { x: 1, y: 2, k: 1 }, panelOpen: false }), {
    version: 1,
    graph,
    transform: { x: 1, y: 2, k: 1 },
    panelOpen: false,
    run: null,
  });
  assert.equal(parseSavedState({ version: 2 }), null);
  assert.deepEqual(parseSavedState({ version: 1, graph: 'x', transform: { k: -1 }, run: { run: 'F/1' } }), { version: 1, graph: null, transform: null, panelOpen: true, run: null });
});
