import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStep, isRunState, pillWidth, progressOf, runApplies, stepState, summarizeRun } from '../src/dag/runState';
import { parseHostMessage } from '../src/host';
import type { RunState, StepRunState } from '../src/protocol';

const step = (status: StepRunState['status'], running = 0, succeeded = 0, failed = 0, expected: number | null = null): StepRunState => ({
  status,
  tasks: { running, succeeded, failed },
  expected,
});

const run: RunState = {
  run: 'TrainFlow/42',
  status: 'running',
  steps: { start: step('succeeded', 0, 1), fan: step('succeeded', 0, 1), work: step('running', 3, 4, 1, 10) },
};

test('a run state is accepted only with known statuses and whole task counts', () => {
  assert.ok(isRunState(run));
  assert.ok(isRunState({ run: 'F/1', status: 'failed', steps: {} }));
  for (const bad of [
    null,
    { ...run, status: 'pending' },
    { ...run, run: 1 },
    { ...run, steps: { a: step('done' as never) } },
    { ...run, steps: { a: { ...step('running'), tasks: { running: -1, succeeded: 0, failed: 0 } } } },
    { ...run, steps: { a: { ...step('running'), tasks: { running: 1.5, succeeded: 0, failed: 0 } } } },
    { ...run, steps: { a: { ...step('running'), expected: '3' } } },
  ]) {
    assert.equal(isRunState(bad), false, JSON.stringify(bad));
  }
});

test('runState messages: a state or null (clears); anything else is ignored', () => {
  assert.deepEqual(parseHostMessage({ type: 'runState', state: run }), { type: 'runState', state: run });
  assert.deepEqual(parseHostMessage({ type: 'runState', state: null }), { type: 'runState', state: null });
  assert.equal(parseHostMessage({ type: 'runState', state: { run: 'F/1' } }), null);
  assert.equal(parseHostMessage({ type: 'runState' }), null);
});

test('steps the snapshot leaves out are pending, including names of Object.prototype', () => {
  assert.equal(stepState(run, 'join').status, 'pending');
  assert.deepEqual(stepState(run, 'constructor'), step('pending'));
  assert.equal(stepState(run, 'work').status, 'running');
});

test('the run is drawn only over its own flow', () => {
  assert.ok(runApplies(run, 'TrainFlow'));
  assert.ok(!runApplies(run, 'OtherFlow'));
  assert.ok(!runApplies(run, null));
  assert.ok(!runApplies(null, 'TrainFlow'));
});

test('a multi-task step shows done/expected, or done/started while the split size is unknown', () => {
  const known = progressOf(step('running', 3, 4, 1, 10));
  assert.deepEqual(known && { text: known.text, failedText: known.failedText }, { text: '4/10', failedText: '1 failed' });
  assert.equal(progressOf(step('running', 2, 5, 0, null))?.text, '5/7');
  assert.equal(progressOf(step('running', 2, 5, 0, null))?.failedText, null);
  // a foreach over one item is still a foreach; a single plain task needs no pill
  assert.equal(progressOf(step('succeeded', 0, 1, 0, 1))?.text, '1/1');
  assert.equal(progressOf(step('succeeded', 0, 1)), null);
  assert.equal(progressOf(step('pending')), null);
  // never fewer expected than started (a stale expected count)
  assert.equal(progressOf(step('running', 5, 0, 0, 2))?.text, '0/5');
  const p = progressOf(step('running', 0, 10, 2, 12));
  assert.ok(p && pillWidth(p) > pillWidth({ ...p, failedText: null }));
});

test('each step is described in words for screen readers', () => {
  assert.equal(describeStep(step('running', 3, 4, 1, 10)), 'running, 4 of 10 tasks done, 3 running, 1 failed');
  assert.equal(describeStep(step('succeeded', 0, 1)), 'succeeded');
  assert.equal(describeStep(step('pending')), 'pending');
});

test('the header summary counts the drawn steps by state', () => {
  const summary = summarizeRun(run, ['start', 'fan', 'work', 'join', 'end']);
  assert.deepEqual(summary.counts, { pending: 2, running: 1, succeeded: 2, failed: 0 });
  assert.equal(summary.text, '2 of 5 steps done · 1 running');
  const failed: RunState = { ...run, status: 'failed', steps: { ...run.steps, work: step('failed', 0, 9, 1, 10) } };
  assert.equal(summarizeRun(failed, ['start', 'fan', 'work']).text, '2 of 3 steps done · 1 failed');
  assert.equal(summarizeRun(run, ['start']).text, '1 of 1 step done');
});
