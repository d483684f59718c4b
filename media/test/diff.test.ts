import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffLayouts } from '../src/dag/diff';
import { layoutModel } from '../src/dag/layout';
import { buildModel } from '../src/dag/model';
import type { FlowGraph } from '../src/protocol';
import { graphOf } from './fixtures';

const lay = (g: FlowGraph) => layoutModel(buildModel(g));

const base = () =>
  graphOf({
    start: { type: 'start', next: ['a'] },
    a: { type: 'linear', next: ['b'] },
    b: { type: 'linear', next: ['end'] },
    end: { type: 'end' },
  });

test('first drawing: everything is added', () => {
  const d = diffLayouts(null, lay(base()));
  assert.deepEqual(d.nodes.added.sort(), ['a', 'b', 'end', 'start']);
  assert.equal(d.edges.added.length, 3);
  assert.deepEqual(d.nodes.removed, []);
});

test('the same graph again changes nothing', () => {
  const d = diffLayouts(lay(base()), lay(base()));
  assert.deepEqual([d.nodes.added, d.nodes.removed, d.nodes.moved, d.nodes.changed], [[], [], [], []]);
  assert.equal(d.nodes.unchanged.length, 4);
  assert.deepEqual([d.edges.added, d.edges.removed, d.edges.moved, d.edges.changed], [[], [], [], []]);
});

test('a new step is added, the steps below it move, the rewired edge is replaced', () => {
  const next = graphOf({
    start: { type: 'start', next: ['a'] },
    a: { type: 'linear', next: ['extra'] },
    extra: { type: 'linear', next: ['b'] },
    b: { type: 'linear', next: ['end'] },
    end: { type: 'end' },
  });
  const d = diffLayouts(lay(base()), lay(next));
  assert.deepEqual(d.nodes.added, ['extra']);
  assert.deepEqual(d.nodes.removed, []);
  // b and end move down (their tooltips' line numbers change too: updated in place).
  for (const id of ['b', 'end']) assert.ok(d.nodes.moved.includes(id) || d.nodes.changed.includes(id), id);
  assert.ok(d.nodes.unchanged.includes('start'));
  assert.deepEqual(d.edges.removed, ['a->b']);
  assert.deepEqual(d.edges.added.sort(), ['a->extra', 'extra->b']);
});

test('a renamed step is one removal and one addition', () => {
  const renamed = graphOf({
    start: { type: 'start', next: ['a'] },
    a: { type: 'linear', next: ['c'] },
    c: { type: 'linear', next: ['end'] },
    end: { type: 'end' },
  });
  const d = diffLayouts(lay(base()), lay(renamed));
  assert.deepEqual(d.nodes.removed, ['b']);
  assert.deepEqual(d.nodes.added, ['c']);
});

test('a new decorator or diagnostic changes the node in place', () => {
  const decorated = base();
  const a = decorated.steps.a;
  assert.ok(a);
  a.decorators = [{ name: 'retry', attributes: {}, range: a.range }];
  const d = diffLayouts(lay(base()), lay(decorated));
  assert.ok(d.nodes.changed.includes('a'));
  assert.deepEqual(d.nodes.added, []);

  const broken = base();
  broken.diagnostics = [{ ...(broken.steps.b?.range ?? { line: 0, column: 0, end_line: 0, end_column: 0 }), severity: 'error', message: 'x', rule: 'r', flow: null }];
  assert.deepEqual(diffLayouts(lay(base()), lay(broken)).nodes.changed, ['b']);
});
