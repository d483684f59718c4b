import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILED_RUN, NO_COST, TIMELINES } from '../dev/ui-fixtures';
import { NODE, layoutLineage } from '../src/ui/lineageLayout';
import { LINEAGE } from '../dev/ui-fixtures';
import { lanes, tickLabel, ticks, timeRange, timeScale } from '../src/ui/timelineModel';
import type { Timeline } from '../src/ui/types';

test('the time scale maps the run onto the plot width', () => {
  const s = timeScale(100, 110, 500);
  assert.equal(s.x(100), 0);
  assert.equal(s.x(105), 250);
  assert.equal(s.x(110), 500);
  assert.equal(timeScale(5, 5, 100).x(5), 0, 'an instant run does not divide by zero');
});

test('ticks fall on round intervals, at most maxTicks of them, from 0', () => {
  assert.deepEqual(ticks(3.9), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  assert.deepEqual(ticks(600), [0, 120, 240, 360, 480, 600]);
  assert.ok(ticks(86_400 * 3).length <= 8);
  assert.equal(tickLabel(0.5), '0.5 s');
  assert.equal(tickLabel(120), '2 m');
  assert.equal(tickLabel(5400), '1 h 30 m');
});

test('lanes: one per attempt, steps in first-start order, the retried attempt after the first', () => {
  const timeline = TIMELINES[FAILED_RUN] as Timeline;
  const list = lanes(timeline, 0);
  assert.equal(list.length, timeline.bars.length);
  assert.deepEqual([...new Set(list.map((l) => l.bar.step))], ['start', 'train']);
  assert.deepEqual(list.filter((l) => l.firstOfStep).map((l) => l.bar.step), ['start', 'train']);
  const attempts = list.filter((l) => l.bar.task_id === '4').map((l) => l.bar.attempt);
  assert.deepEqual(attempts, [0, 1]);
  const range = timeRange(timeline, list, 0);
  assert.ok(range.start <= Math.min(...list.map((l) => l.start)));
  assert.ok(range.end >= Math.max(...list.map((l) => l.end)));
});

test('a running bar ends now; a bar without a start is left out', () => {
  const t: Timeline = {
    run: 'F/1',
    started_at: 100,
    finished_at: null,
    cost: NO_COST,
    problems: [],
    bars: [
      { pathspec: 'F/1/a/1', step: 'a', task_id: '1', attempt: 0, status: 'running', started_at: 101, finished_at: null },
      { pathspec: 'F/1/b/2', step: 'b', task_id: '2', attempt: 0, status: 'running', started_at: null, finished_at: null },
    ],
  };
  const list = lanes(t, 130);
  assert.equal(list.length, 1);
  assert.equal(list[0]?.end, 130);
  assert.deepEqual(timeRange(t, list, 130), { start: 100, end: 130 });
});

test('the lineage graph is laid out left to right without overlaps', () => {
  const layout = layoutLineage(LINEAGE);
  assert.equal(layout.nodes.length, LINEAGE.nodes.length);
  assert.equal(layout.edges.length, LINEAGE.edges.length);
  const at = new Map(layout.nodes.map((n) => [n.node.step, n]));
  assert.ok((at.get('train')?.x ?? 0) < (at.get('choose')?.x ?? 0));
  for (const a of layout.nodes)
    for (const b of layout.nodes)
      if (a !== b) assert.ok(Math.abs(a.x - b.x) >= NODE.width || Math.abs(a.y - b.y) >= NODE.height, `${a.node.id} overlaps ${b.node.id}`);
  const dangling = layoutLineage({ ...LINEAGE, edges: [...LINEAGE.edges, { source: 'nowhere', target: LINEAGE.nodes[0]?.id ?? '', kind: 'resume' }] });
  assert.equal(dangling.nodes.length, LINEAGE.nodes.length, 'an edge to a node the answer left out adds no node');
});
