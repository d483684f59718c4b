import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutNodes, seriesSegments, topologicalOrder } from '../src/dag/series';

const edges = (...pairs: string[]) => pairs.map((p) => ({ from: p[0] as string, to: p[1] as string }));

test('cut nodes are the steps every path goes through', () => {
  // s -> a -> {b, c} -> d -> e
  const found = cutNodes(['s', 'a', 'b', 'c', 'd', 'e'], edges('sa', 'ab', 'ac', 'bd', 'cd', 'de'));
  assert.deepEqual(found?.cuts, ['s', 'a', 'd', 'e']);
});

test('an edge that skips ahead (a switch case) removes the cut steps it jumps over', () => {
  // s -> {a, c}; a -> b -> c
  const found = cutNodes(['s', 'a', 'b', 'c'], edges('sa', 'ab', 'bc', 'sc'));
  assert.deepEqual(found?.cuts, ['s', 'c']);
});

test('segments run from one cut step to the next and share their ends', () => {
  const segments = seriesSegments(['s', 'a', 'b', 'c', 'd', 'e'], edges('sa', 'ab', 'ac', 'bd', 'cd', 'de'));
  assert.deepEqual(segments?.map((s) => [s[0], s[s.length - 1], s.length]), [
    ['s', 'a', 2],
    ['a', 'd', 4],
    ['d', 'e', 2],
  ]);
});

test('no decomposition for cycles, several sources or several sinks', () => {
  assert.equal(topologicalOrder(['a', 'b'], edges('ab', 'ba')), null);
  assert.equal(cutNodes(['a', 'b'], edges('ab', 'ba')), null);
  assert.equal(cutNodes(['a', 'b', 'c'], edges('ac', 'bc')), null);
  assert.equal(cutNodes(['a', 'b', 'c'], edges('ab', 'ac')), null);
  assert.equal(cutNodes([], []), null);
});
