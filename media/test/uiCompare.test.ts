import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPARISON } from '../dev/ui-fixtures';
import { artifactRows, barScale, durationDelta, numericDelta, parameterRows, runLabel, stepRows } from '../src/ui/compareModel';
import { formatDuration, formatNumber, formatSize } from '../src/ui/format';
import type { Comparison } from '../src/ui/types';

test('differences only keeps what differs (on the real comparison of a good and a failed run)', () => {
  assert.deepEqual(parameterRows(COMPARISON, true).map((p) => p.name), ['learning_rates']);
  assert.equal(parameterRows(COMPARISON, false).length, 2);
  const changed = artifactRows(COMPARISON, true);
  assert.ok(changed.every((a) => a.status !== 'same'));
  assert.ok(!changed.some((a) => a.step === 'start' && a.name === 'data'), 'an unchanged artifact is hidden');
  assert.equal(artifactRows(COMPARISON, false).length, COMPARISON.artifacts.length);
  const steps = stepRows(COMPARISON, true).map((s) => s.name);
  assert.ok(steps.includes('train'), 'failed in one run');
  assert.ok(steps.includes('end'), 'absent from one run');
  assert.ok(!steps.includes('start'), '6 ms against 7 ms is jitter, not a difference');
});

test('step rows: equal durations within the tolerance are the same, statuses that differ always show', () => {
  const c: Comparison = { ...COMPARISON, steps: [
    { name: 'a', durations: [10, 10.2], statuses: ['succeeded', 'succeeded'] },
    { name: 'b', durations: [10, 12], statuses: ['succeeded', 'succeeded'] },
    { name: 'c', durations: [10, 10], statuses: ['succeeded', 'failed'] },
  ] };
  assert.deepEqual(stepRows(c, true).map((s) => s.name), ['b', 'c']);
});

test('numeric deltas against the baseline say sign, size and percent', () => {
  assert.deepEqual(numericDelta(0.9, 0.94), { text: '+0.04 (+4.444%)', sign: 1 });
  assert.deepEqual(numericDelta(2, 1), { text: '−1 (−50%)', sign: -1 });
  assert.deepEqual(numericDelta(5, 5), { text: '=', sign: 0 });
  assert.deepEqual(numericDelta(0, 3), { text: '+3', sign: 1 }, 'no percent of a zero base');
  assert.equal(numericDelta(null, 3), null);
  assert.equal(numericDelta(3, undefined), null);
  assert.deepEqual(durationDelta(3.2, 4), { text: '+800 ms', sign: 1 });
  assert.deepEqual(durationDelta(60, 3), { text: '−57 s', sign: -1 });
  assert.deepEqual(durationDelta(1, 1.01), { text: '=', sign: 0 });
});

test('bar charts share one scale that includes zero', () => {
  const { bars, zero } = barScale([2, 4, null]);
  assert.equal(zero, 0);
  assert.deepEqual(bars, [{ start: 0, width: 0.5, value: 2 }, { start: 0, width: 1, value: 4 }, null]);
  const mixed = barScale([-1, 3]);
  assert.equal(mixed.zero, 0.25);
  assert.deepEqual(mixed.bars[0], { start: 0, width: 0.25, value: -1 });
  assert.deepEqual(mixed.bars[1], { start: 0.25, width: 0.75, value: 3 });
  assert.deepEqual(barScale([0, 0]).bars[0], { start: 0, width: 0, value: 0 }, 'all zeros: no division by zero');
});

test('numbers, sizes and durations read well in cells', () => {
  assert.equal(formatNumber(3.802958381271537e-5), '3.80e-5');
  assert.equal(formatNumber(0.123456), '0.1235');
  assert.equal(formatNumber(42), '42');
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1_109_438), '1.1 MB');
  assert.equal(formatDuration(0.006), '6 ms');
  assert.equal(formatDuration(8.013), '8.0 s');
  assert.equal(formatDuration(185), '3 m 05 s');
  assert.equal(formatDuration(7440), '2 h 04 m');
  assert.equal(formatDuration(null), '—');
  assert.equal(runLabel('TrainingFlow/1764'), '1764');
});
