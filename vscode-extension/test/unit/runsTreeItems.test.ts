import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArtifactPreview, RunInfo, StepSummary, TaskInfo } from '../../src/common/runsProtocol';
import { formatDuration, formatSize, itemSpec, pathspecOf, previewLines, shortType, taskCounts } from '../../src/views/runsTreeItems';

const ROOT = '/w/proj';

function run(over: Partial<RunInfo> = {}): RunInfo {
  return {
    pathspec: 'TrainFlow/1712345678901234',
    flow: 'TrainFlow',
    run_id: '1712345678901234',
    status: 'succeeded',
    started_at: Date.parse('2026-11-26T10:00:00') / 1000,
    finished_at: Date.parse('2026-11-26T10:03:05') / 1000,
    duration_s: 185,
    user: 'alice',
    tags: ['nightly'],
    system_tags: ['user:alice'],
    parameters: { alpha: '0.1' },
    origin_run_id: null,
    ...over,
  };
}

function step(tasks: StepSummary['tasks']): StepSummary {
  return { name: 'work', tasks, started_at: null, finished_at: null, duration_s: 12.4, first_failure: null };
}

describe('Runs tree items', () => {
  it('shows a run with its status icon, start, duration and tags', () => {
    const spec = itemSpec({ kind: 'run', root: ROOT, run: run() });
    assert.equal(spec.label, '1712345678901234');
    assert.equal(spec.description, '2026-11-26 10:00 · 3m 05s · nightly');
    assert.deepEqual(spec.icon, { id: 'check', color: 'testing.iconPassed' });
    assert.equal(spec.contextValue, 'run.succeeded');
    assert.equal(spec.id, `${ROOT}|TrainFlow/1712345678901234`);
    assert.match(spec.tooltip ?? '', /user: alice/);
    assert.match(spec.tooltip ?? '', /parameters: alpha=0\.1/);
    assert.equal(spec.collapsible, true);
  });

  it('spins for running runs and marks failed ones', () => {
    assert.deepEqual(itemSpec({ kind: 'run', root: ROOT, run: run({ status: 'running', finished_at: null }) }).icon, { id: 'loading~spin' });
    const failed = itemSpec({ kind: 'run', root: ROOT, run: run({ status: 'failed', tags: [] }) });
    assert.deepEqual(failed.icon, { id: 'error', color: 'testing.iconFailed' });
    assert.equal(failed.contextValue, 'run.failed');
    assert.equal(failed.description, '2026-11-26 10:00 · 3m 05s');
  });

  it('shows steps with their task counts and the worst status', () => {
    const spec = itemSpec({ kind: 'step', root: ROOT, run: 'TrainFlow/1', step: step({ succeeded: 5, failed: 1, running: 0 }) });
    assert.equal(spec.label, 'work');
    assert.equal(spec.description, '6 tasks · 1 failed · 12s');
    assert.equal(spec.contextValue, 'step.failed');
    assert.equal(taskCounts(step({ succeeded: 1, failed: 0, running: 0 })), '1 task');
    assert.equal(taskCounts(step({ succeeded: 2, failed: 0, running: 3 })), '5 tasks · 3 running');
    assert.equal(itemSpec({ kind: 'step', root: ROOT, run: 'F/1', step: step({ succeeded: 2, failed: 0, running: 3 }) }).contextValue, 'step.running');
  });

  it('shows tasks with their attempt', () => {
    const task: TaskInfo = { pathspec: 'F/1/work/7', step: 'work', task_id: '7', attempt: 1, status: 'failed', finished_at: null };
    const spec = itemSpec({ kind: 'task', root: ROOT, task });
    assert.equal(spec.label, 'work/7');
    assert.equal(spec.description, 'attempt 1 · failed');
    assert.equal(spec.contextValue, 'task.failed');
    assert.equal(itemSpec({ kind: 'task', root: ROOT, task: { ...task, attempt: null, status: 'running' } }).description, 'not started · running');
  });

  it('shows artifacts with size and short type', () => {
    const spec = itemSpec({
      kind: 'artifact',
      root: ROOT,
      artifact: { pathspec: 'F/1/start/1', name: 'frame', sha: 'abc', size: 2345, type: 'pandas.core.frame.DataFrame', encoding: 'pickle-v4', attempt: 0 },
    });
    assert.equal(spec.label, 'frame');
    assert.equal(spec.description, '2.3 kB · DataFrame');
    assert.equal(spec.collapsible, true);
    assert.equal(pathspecOf({ kind: 'artifact', root: ROOT, artifact: { pathspec: 'F/1/start/1', name: 'frame', sha: '', size: 0, type: '', encoding: '', attempt: 0 } }), 'F/1/start/1/frame');
  });

  it('gives "Load more runs…" the command that carries the cursor', () => {
    const node = { kind: 'loadMore', root: ROOT, flow: 'F', cursor: 'abc' } as const;
    const spec = itemSpec(node);
    assert.equal(spec.label, 'Load more runs…');
    assert.equal(spec.command?.command, 'metaflow.runs.loadMore');
    assert.deepEqual(spec.command?.arguments, [node]);
  });

  it('formats sizes, durations and types', () => {
    assert.equal(formatSize(820), '820 B');
    assert.equal(formatSize(1234), '1.2 kB');
    assert.equal(formatSize(200_000), '200 kB');
    assert.equal(formatSize(3_400_000), '3.4 MB');
    assert.equal(formatDuration(0.42), '0.4s');
    assert.equal(formatDuration(42), '42s');
    assert.equal(formatDuration(7440), '2h 04m');
    assert.equal(shortType('builtins.float'), 'float');
    assert.equal(shortType('dict'), 'dict');
  });

  it('previews a DataFrame with a header, its columns and a bounded body', () => {
    const preview: ArtifactPreview = {
      pathspec: 'F/1/start/1',
      name: 'frame',
      type: 'pandas.core.frame.DataFrame',
      size: 1000,
      kind: 'dataframe',
      preview: Array.from({ length: 60 }, (_, i) => `row ${i}`).join('\n'),
      truncated: true,
      shape: [50, 2],
      dtype: null,
      columns: ['item', 'score'],
      cost: { files_read: 1, bytes_read: 1, dirs_listed: 0, stats: 0, requests: 0 },
      problems: [],
    };
    const lines = previewLines(preview);
    assert.equal(lines[0], 'DataFrame 50 × 2');
    assert.equal(lines[1], 'columns: item, score');
    assert.equal(lines[2], 'row 0');
    assert.equal(lines.at(-1), '…');
    assert.equal(lines.length, 2 + 40 + 1);
    assert.deepEqual(previewLines({ ...preview, kind: 'scalar', shape: null, columns: null, preview: '0.5', truncated: false }), ['0.5']);
  });
});
