import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel, decoratorTitle, formatValue, METRICS } from '../src/dag/model';
import type { DagModel } from '../src/dag/model';
import { diagnostic, graphOf, linearGraph, sampleGraph } from './fixtures';

const node = (m: DagModel, id: string) => {
  const n = m.nodes.find((x) => x.id === id);
  assert.ok(n, `node ${id}`);
  return n;
};
const edge = (m: DagModel, from: string, to: string) => {
  const e = m.edges.find((x) => x.from === from && x.to === to);
  assert.ok(e, `edge ${from}->${to}`);
  return e;
};

test('every step becomes one node of its Metaflow type; start/end are terminal', () => {
  const m = buildModel(sampleGraph);
  assert.equal(m.nodes.length, Object.keys(sampleGraph.steps).length);
  assert.deepEqual(
    m.nodes.map((n) => [n.id, n.type]),
    Object.entries(sampleGraph.steps).map(([name, s]) => [name, s.type]),
  );
  assert.equal(node(m, 'start').terminal, 'start');
  assert.equal(node(m, 'end').terminal, 'end');
  assert.equal(node(m, 'merge').terminal, null);
});

test('subtitles say the kind: foreach artifact, parallel width, switch condition, join kind', () => {
  const m = buildModel(sampleGraph);
  assert.equal(node(m, 'ingest').subtitle, 'foreach shards');
  assert.equal(node(m, 'train').subtitle, 'parallel ×4');
  assert.equal(node(m, 'route').subtitle, 'switch on mode');
  assert.equal(node(m, 'merge').subtitle, 'join foreach');
  assert.equal(node(m, 'gather').subtitle, 'join parallel');
  assert.equal(node(m, 'summarize').subtitle, 'join 2 branches');
  assert.equal(node(m, 'publish').subtitle, 'split ×2');
  assert.equal(node(m, 'start').subtitle, '');
});

test('edge labels: foreach artifact, switch case keys, parallel width; others unlabelled', () => {
  const m = buildModel(sampleGraph);
  assert.equal(edge(m, 'ingest', 'featurize').label, 'foreach: shards');
  assert.equal(edge(m, 'ingest', 'featurize').kind, 'foreach');
  assert.equal(edge(m, 'route', 'train').label, 'train');
  assert.equal(edge(m, 'route', 'publish').label, 'reuse');
  assert.equal(edge(m, 'route', 'publish').kind, 'switch');
  assert.equal(edge(m, 'train', 'worker').label, 'parallel ×4');
  assert.equal(edge(m, 'publish', 'report').label, null);
  assert.equal(edge(m, 'featurize', 'merge').kind, 'join');
});

test('a switch case back to the same step is a self-loop edge with its case key', () => {
  const m = buildModel(sampleGraph);
  const loop = edge(m, 'tune', 'tune');
  assert.equal(loop.selfLoop, true);
  assert.equal(loop.label, 'no');
  assert.equal(node(m, 'tune').selfLoop, true);
  assert.equal(node(m, 'route').selfLoop, false);
});

test('several case keys to one step share one edge, labelled with all keys', () => {
  const m = buildModel(
    graphOf({
      start: { type: 'split-switch', next: ['a', 'end'], condition: 'x', cases: { one: 'a', two: 'a', other: 'end' } },
      a: { type: 'linear', next: ['end'] },
      end: { type: 'end' },
    }),
  );
  assert.equal(m.edges.filter((e) => e.from === 'start' && e.to === 'a').length, 1);
  assert.equal(edge(m, 'start', 'a').label, 'one | two');
});

test('decorators become badges; beyond three, two show and the rest is counted', () => {
  const m = buildModel(sampleGraph);
  const f = node(m, 'featurize');
  assert.deepEqual(f.badges.map((b) => b.text), ['@retry', '@resources']);
  assert.equal(f.hiddenBadges, 2);
  assert.equal(f.badges[0]?.title, '@retry(times=3, minutes_between_retries=2)');
  assert.match(f.tooltip, /@timeout\(seconds=0, minutes=30, hours=0\)/);
  assert.equal(f.height, METRICS.heightWithBadges);
  assert.equal(node(m, 'merge').height, METRICS.height);
});

test('decorator attribute values read as Python', () => {
  assert.equal(formatValue(null), 'None');
  assert.equal(formatValue(true), 'True');
  assert.equal(formatValue('a"b'), '"a\\"b"');
  assert.equal(formatValue({ a: 1 }), '{"a":1}');
  assert.equal(decoratorTitle({ name: 'card', attributes: {}, range: { line: 1, column: 0, end_line: 1, end_column: 1 } }), '@card');
});

test('diagnostics mark the step whose source range holds their line; errors win', () => {
  const g = graphOf({
    start: { type: 'start', next: ['a'] },
    a: { type: 'linear', next: ['end'] },
    end: { type: 'end' },
  });
  const aLine = g.steps.a?.range.line ?? 0;
  g.diagnostics = [diagnostic(aLine + 2, 'warning', 'careful'), diagnostic(aLine + 3, 'error', 'broken'), diagnostic(1, 'error', 'syntax at top')];
  const m = buildModel(g);
  const a = node(m, 'a');
  assert.equal(a.severity, 'error');
  assert.equal(a.messages.length, 2);
  assert.match(a.tooltip, /broken/);
  assert.equal(node(m, 'start').severity, null);
  assert.deepEqual(m.otherDiagnostics.map((d) => d.message), ['syntax at top']);
  assert.equal(m.errorCount, 2);
  assert.equal(m.warningCount, 1);
});

test('a step inherited from another file is not matched by this file\'s diagnostic lines', () => {
  const g = graphOf({
    start: { type: 'start', next: ['end'], line: 10, lines: 8 },
    end: { type: 'end', line: 10, lines: 8, sourceFile: '/elsewhere/base.py' },
  });
  g.diagnostics = [diagnostic(12, 'warning', 'in start')];
  const m = buildModel(g);
  assert.equal(node(m, 'start').severity, 'warning');
  assert.equal(node(m, 'end').severity, null);
});

test('a transition to a step that does not exist draws a ghost, not a step', () => {
  const m = buildModel(
    graphOf({
      start: { type: 'start', next: ['nonexistent'] },
      end: { type: 'end' },
    }),
  );
  const ghost = node(m, 'nonexistent');
  assert.equal(ghost.ghost, true);
  assert.equal(edge(m, 'start', 'nonexistent').kind, 'missing');
  assert.equal(m.nodes.filter((n) => !n.ghost).length, 2);
});

test('long names are ellipsised within the maximum width; the tooltip keeps the full name', () => {
  const long = 'a_really_long_step_name_that_goes_on_and_on_forever';
  const m = buildModel(graphOf({ start: { type: 'start', next: [long] }, [long]: { type: 'linear', next: ['end'] }, end: { type: 'end' } }));
  const n = node(m, long);
  assert.ok(n.label.endsWith('…'));
  assert.ok(n.width <= METRICS.maxWidth);
  assert.ok(n.tooltip.startsWith(long));
  assert.equal(node(m, 'start').width, METRICS.minWidth);
});

test('no flow or no steps gives an empty model (the view shows a message)', () => {
  const g = linearGraph();
  assert.equal(buildModel({ ...g, flow: null, steps: {} }).nodes.length, 0);
  assert.equal(buildModel({ ...g, steps: {} }).edges.length, 0);
});

test("the flow's docstring is carried verbatim (HTML stays text), empty when the payload has none", () => {
  const doc = 'Train <script>alert(1)</script> & <img src=x onerror=alert(2)>';
  assert.equal(buildModel({ ...sampleGraph, flow_doc: doc }).flowDoc, doc);
  const { flow_doc: _omitted, ...older } = { ...sampleGraph, flow_doc: 'x' };
  assert.equal(buildModel(older).flowDoc, '');
});
