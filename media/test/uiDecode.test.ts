import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as F from '../dev/ui-fixtures';
import { ApiError, checked } from '../src/ui/api';
import {
  decodeErrorBody,
  decodeEvent,
  isArtifactList,
  isArtifactPreview,
  isCardList,
  isComparison,
  isFailureReport,
  isFlowGraphAnswer,
  isLineage,
  isLogExcerpt,
  isRunPage,
  isRunSummary,
  isTaskList,
  isTimeline,
} from '../src/ui/decode';

test('real query-layer answers (dev/ui-fixtures.ts) pass their decoders', () => {
  assert.ok(isRunPage(F.RUNS));
  for (const s of Object.values(F.SUMMARIES)) assert.ok(isRunSummary(s));
  for (const t of Object.values(F.TIMELINES)) assert.ok(isTimeline(t));
  for (const steps of Object.values(F.TASKS)) for (const list of Object.values(steps)) assert.ok(isTaskList(list));
  assert.ok(isFailureReport(F.FAILURES));
  assert.ok(isLogExcerpt(F.LOG_STDOUT) && isLogExcerpt(F.LOG_STDERR));
  assert.ok(isArtifactList(F.ARTIFACTS_END));
  assert.ok(isArtifactPreview(F.PREVIEW_MODEL));
  assert.ok(isCardList(F.CARDS));
  assert.ok(isComparison(F.COMPARISON));
  assert.ok(isLineage(F.LINEAGE));
  assert.ok(isFlowGraphAnswer(F.GRAPH));
});

test('answers of the wrong shape are refused field by field', () => {
  const run = F.RUNS.runs[0];
  assert.ok(run);
  assert.equal(isRunPage({ ...F.RUNS, runs: [{ ...run, status: 'exploded' }] }), false);
  assert.equal(isRunPage({ ...F.RUNS, runs: [{ ...run, tags: [1] }] }), false);
  assert.equal(isRunPage({ ...F.RUNS, next_cursor: 3 }), false);
  assert.equal(isLogExcerpt({ ...F.LOG_STDOUT, stream: 'stdin' }), false);
  assert.equal(isLogExcerpt({ ...F.LOG_STDOUT, lines: [{ text: null }] }), false);
  assert.equal(isComparison({ ...F.COMPARISON, artifacts: [{ ...F.COMPARISON.artifacts[0], status: 'moved' }] }), false);
  assert.equal(isTimeline({ ...F.TIMELINES[F.OK_RUN], bars: [{ pathspec: 'F/1/s/1' }] }), false);
  assert.equal(isRunSummary('<html>proxy error</html>'), false);
  // Every field model.py writes is checked, the answer's cost and problems too; extra ones
  // are ignored (newer servers).
  const { cost: _cost, ...costless } = F.RUNS;
  assert.equal(isRunPage(costless), false);
  assert.equal(isRunPage({ ...F.RUNS, problems: [{ pathspec: 'F/1' }] }), false);
  assert.equal(isArtifactPreview({ ...F.PREVIEW_MODEL, kind: 'blob' }), false);
  assert.equal(isCardList({ ...F.CARDS, cards: F.CARDS.cards.map(({ html: _html, ...card }) => card) }), false);
  assert.ok(isRunPage({ ...F.RUNS, added_later: true }));
});

test('checked() turns a wrong shape into an ApiError that names the route', () => {
  assert.throws(
    () => checked({ flows: 'x' }, '/api/runs?flow=F', isRunPage),
    (e: unknown) => e instanceof ApiError && e.kind === 'bad_answer' && e.message.includes('/api/runs?flow=F'),
  );
});

test('error bodies keep the message and nearest suggestions; anything else is not an error body', () => {
  assert.deepEqual(decodeErrorBody({ error: { kind: 'not_found', message: 'No run F/9', nearest: ['F/8'] } }), { kind: 'not_found', message: 'No run F/9', nearest: ['F/8'] });
  assert.deepEqual(decodeErrorBody({ error: { message: 'boom' } }), { kind: 'internal', message: 'boom', nearest: [] });
  assert.equal(decodeErrorBody({ error: 'boom' }), null);
  assert.equal(decodeErrorBody(null), null);
});

test('subscription events are decoded by type; unknown or malformed ones are dropped', () => {
  const summary = F.SUMMARIES[F.OK_RUN];
  const state = { run: F.OK_RUN, status: 'running', steps: { start: { status: 'succeeded', tasks: { running: 0, succeeded: 1, failed: 0 }, expected: null } } };
  assert.equal(decodeEvent({ type: 'run', id: 's1', state, summary })?.type, 'run');
  assert.deepEqual(decodeEvent({ type: 'runs', id: 's2', flow: 'F' }), { type: 'runs', id: 's2', flow: 'F' });
  const log = decodeEvent({ type: 'log', id: 's3', task: 'F/1/s/2', stream: 'stderr', lines: [{ text: 'x', timestamp: null, source: 'task' }], reset: true, available: false });
  assert.deepEqual(log, { type: 'log', id: 's3', task: 'F/1/s/2', stream: 'stderr', lines: [{ text: 'x', timestamp: null, source: 'task' }], reset: true, available: false });
  assert.equal(decodeEvent({ type: 'error', id: 's4', error: { kind: 'not_found', message: 'gone', nearest: [] } })?.type, 'error');
  for (const bad of [{ type: 'run', id: 's1', state, summary: {} }, { type: 'runs', flow: 'F' }, { type: 'log', id: 's', task: 'x', stream: 'both', lines: [] }, { type: 'party', id: 's' }, 'text']) {
    assert.equal(decodeEvent(bad), null, JSON.stringify(bad));
  }
});
