import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticGraph } from '../dev/synthetic';
import { layoutModel, PlacementCache } from '../src/dag/layout';
import type { DagLayout } from '../src/dag/layout';
import { buildModel } from '../src/dag/model';
import type { FlowGraph } from '../src/protocol';
import { graphOf, sampleGraph } from './fixtures';

function layout(graph: FlowGraph, cache: PlacementCache | null = null): DagLayout {
  return layoutModel(buildModel(graph), cache);
}

function assertNoOverlap(l: DagLayout): void {
  const boxes = [...l.nodes.values()];
  for (let i = 0; i < boxes.length; i += 1) {
    const a = boxes[i];
    assert.ok(a && Number.isFinite(a.x) && Number.isFinite(a.y), `finite position for ${a?.node.id}`);
    for (let j = i + 1; j < boxes.length; j += 1) {
      const b = boxes[j];
      if (!a || !b) continue;
      const apart = a.x + a.node.width <= b.x || b.x + b.node.width <= a.x || a.y + a.node.height <= b.y || b.y + b.node.height <= a.y;
      assert.ok(apart, `${a.node.id} and ${b.node.id} overlap`);
    }
  }
}

test('top to bottom: every edge leaves its source below and enters its target above', () => {
  for (const graph of [sampleGraph, syntheticGraph(60)]) checkEdges(layout(graph));
});

function checkEdges(l: DagLayout): void {
  for (const e of l.edges.values()) {
    if (e.edge.selfLoop) continue;
    const from = l.nodes.get(e.edge.from);
    const to = l.nodes.get(e.edge.to);
    assert.ok(from && to);
    const first = e.points[0];
    const last = e.points[e.points.length - 1];
    assert.ok(first && last);
    // On the box outline: the bottom edge, or low on a side for a wide fan-out (and the
    // mirror image for the target).
    const onSide = (p: { x: number; y: number }, n: typeof from) => Math.abs(p.x - n.x) < 1 || Math.abs(p.x - (n.x + n.node.width)) < 1;
    const fromMid = from.y + from.node.height / 2;
    const toMid = to.y + to.node.height / 2;
    assert.ok(Math.abs(first.y - (from.y + from.node.height)) < 1 || (onSide(first, from) && first.y >= fromMid), `${e.edge.id} leaves the bottom of ${e.edge.from}`);
    assert.ok(Math.abs(last.y - to.y) < 1 || (onSide(last, to) && last.y <= toMid), `${e.edge.id} enters the top of ${e.edge.to}`);
    assert.ok(to.y > from.y, `${e.edge.to} is below ${e.edge.from}`);
    assert.match(e.path, /^M[\d.,-]+/);
    assert.match(e.arrow, /Z$/);
  }
}

test('nodes never overlap: sample, ghosts, unreachable steps and 200 steps', () => {
  assertNoOverlap(layout(sampleGraph));
  assertNoOverlap(layout(syntheticGraph(200)));
  assertNoOverlap(
    layout(
      graphOf({
        start: { type: 'split-static', next: ['a', 'missing_one'] },
        a: { type: 'linear', next: ['b', 'missing_two'] },
        b: { type: 'linear', next: ['end'] },
        orphan: { type: 'linear', next: ['end'] },
        end: { type: 'end' },
      }),
    ),
  );
});

test('labelled edges get a label box between their ends', () => {
  const l = layout(sampleGraph);
  const e = l.edges.get('ingest->featurize');
  assert.ok(e?.label);
  const from = l.nodes.get('ingest');
  const to = l.nodes.get('featurize');
  assert.ok(from && to);
  assert.ok(e.label.y >= from.y + from.node.height - 1 && e.label.y + e.label.height <= to.y + 1);
  assert.equal(l.edges.get('publish->report')?.label, null);
});

test('a self-loop is drawn on the right side of its node, with room reserved', () => {
  const l = layout(sampleGraph);
  const loop = l.edges.get('tune->tune');
  const tune = l.nodes.get('tune');
  assert.ok(loop && tune);
  for (const p of loop.points) assert.ok(p.x >= tune.x + tune.node.width - 0.5);
  assert.ok(loop.label && loop.label.x > tune.x + tune.node.width);
  for (const other of l.nodes.values()) {
    if (other.node.id === 'tune' || Math.abs(other.y - tune.y) > tune.node.height) continue;
    assert.ok(other.x >= loop.label.x + loop.label.width || other.x + other.node.width <= tune.x, `${other.node.id} clear of the loop`);
  }
});

test('split blocks: branches side by side on one row, case labels on one row under the split', () => {
  const l = layout(syntheticGraph(60));
  const a = l.nodes.get('branch_2_a');
  const b = l.nodes.get('branch_2_b');
  const c = l.nodes.get('branch_2_c');
  const split = l.nodes.get('split_2');
  assert.ok(a && b && c && split);
  assert.equal(a.y + a.node.height / 2, b.y + b.node.height / 2);
  assert.ok(a.x + a.node.width < b.x && b.x + b.node.width < c.x);
  const mid = (n: typeof a) => n.x + n.node.width / 2;
  assert.ok(Math.abs(mid(b) - mid(split)) < 1, 'centred under the split');
  const fast = l.edges.get('route_4->case_4_short')?.label;
  const slow = l.edges.get('route_4->case_4_long')?.label;
  assert.ok(fast && slow && fast.y === slow.y);
  const long2 = l.nodes.get('case_4_long_2');
  const short = l.nodes.get('case_4_short');
  assert.ok(long2 && short && long2.y > short.y, 'the longer case takes two rows');
});

test('the bounds hold every node and label', () => {
  const l = layout(sampleGraph);
  const b = l.bounds;
  for (const n of l.nodes.values()) {
    assert.ok(n.x >= b.x && n.y >= b.y && n.x + n.node.width <= b.x + b.width && n.y + n.node.height <= b.y + b.height);
  }
  for (const e of l.edges.values()) if (e.label) assert.ok(e.label.x + e.label.width <= b.x + b.width);
});

/** A split nested in a branch of another split: a block only dagre places. */
const nested = (): FlowGraph =>
  graphOf({
    start: { type: 'split-static', next: ['a', 'b'] },
    a: { type: 'split-static', next: ['c', 'd'] },
    c: { type: 'linear', next: ['inner'] },
    d: { type: 'linear', next: ['inner'] },
    inner: { type: 'join', next: ['outer'] },
    b: { type: 'linear', next: ['outer'] },
    outer: { type: 'join', next: ['end'] },
    end: { type: 'end' },
  });

test('nested splits go through dagre: no overlap, edges top to bottom', () => {
  const l = layout(nested());
  assertNoOverlap(l);
  checkEdges(l);
});

test('layout is deterministic, and the block cache changes nothing but speed', () => {
  const a = layout(nested());
  const cache = new PlacementCache();
  layout(nested(), cache);
  const b = layout(nested(), cache);
  assert.ok(cache.size > 0, 'the nested block went through dagre and was cached');
  for (const [id, n] of a.nodes) {
    const m = b.nodes.get(id);
    assert.ok(m && Math.abs(m.x - n.x) < 1e-6 && Math.abs(m.y - n.y) < 1e-6, `${id} placed the same`);
  }
  for (const [id, e] of a.edges) assert.equal(b.edges.get(id)?.path, e.path);
});

test('editing one step moves nothing above it', () => {
  const g = syntheticGraph(60);
  const before = layout(g);
  const edited = structuredClone(g);
  const last = Object.entries(edited.steps).find(([name]) => name.startsWith('work_'));
  assert.ok(last);
  last[1].decorators.push({ name: 'retry', attributes: {}, range: last[1].range });
  const after = layout(edited);
  const editedY = before.nodes.get(last[0])?.y ?? 0;
  for (const [id, n] of before.nodes) {
    if (n.y >= editedY) continue;
    const m = after.nodes.get(id);
    assert.ok(m && m.x === n.x && m.y === n.y, `${id} stayed in place`);
  }
});

test('a 200-step flow lays out fast (prints the time)', () => {
  const graph = syntheticGraph(200);
  const started = performance.now();
  layout(graph);
  const first = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    const t0 = performance.now();
    const l = layout(graph, new PlacementCache());
    times.push(performance.now() - t0);
    assert.equal(l.nodes.size, 200);
  }
  times.sort((x, y) => x - y);
  const median = times[3] ?? Infinity;
  console.log(`# model + layout of 200 steps: first ${first.toFixed(1)} ms, median ${median.toFixed(1)} ms (warm)`);
  // Generous bound (shared 2-core machine); dagre on the whole graph took 1-2 s here.
  assert.ok(median < 400, `median ${median} ms`);
});
