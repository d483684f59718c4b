import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailureReport, LogExcerpt, TaskFailure } from '../../src/common/runsProtocol';
import { failurePath, formatFailures, formatLog, logPath, parseFailurePath, parseLogPath, sourceLinks } from '../../src/views/runsText';

const COST = { files_read: 0, bytes_read: 0, dirs_listed: 0, stats: 0, requests: 0 };

function excerpt(over: Partial<LogExcerpt> = {}): LogExcerpt {
  return {
    pathspec: 'F/1/work/3',
    stream: 'stderr',
    attempt: 1,
    lines: [
      { text: 'first', timestamp: 1, source: 'task' },
      { text: 'second', timestamp: 2, source: 'task' },
    ],
    truncated: false,
    log_bytes: 1500,
    available: true,
    cost: COST,
    problems: [],
    ...over,
  };
}

const FAILURE: TaskFailure = {
  pathspec: 'F/1/work/6',
  step: 'work',
  task_id: '6',
  attempt: 1,
  exception_type: 'builtins.RuntimeError',
  message: 'item 4 cannot be processed',
  traceback: 'Traceback (most recent call last):\n  File "/w/proj/flow.py", line 31, in work\n    raise RuntimeError("item 4 cannot be processed")\n',
  stderr_tail: ['work item 4 on stderr'],
  finished_at: null,
};

function report(failures: TaskFailure[]): FailureReport {
  return { run: 'F/1', failures, truncated: false, tasks_examined: 11, cost: COST, problems: [] };
}

describe('log documents', () => {
  it('round-trips log and failure paths', () => {
    // The last segment is the tab's title: it names the step and task, so tabs differ.
    assert.equal(logPath('F/1/work/3', 'stdout'), '/F/1/work/3/work 3 · stdout.log');
    assert.deepEqual(parseLogPath(logPath('F/1/work/3', 'stderr')), { pathspec: 'F/1/work/3', stream: 'stderr' });
    assert.equal(parseLogPath('/F/1/work/3/other.log'), undefined);
    assert.equal(failurePath('F/1/work/3'), '/F/1/work/3/work 3 · failure');
    assert.equal(failurePath('F/1'), '/F/1/1 · failure');
    assert.equal(parseFailurePath(failurePath('F/1')), 'F/1');
    assert.equal(parseFailurePath(failurePath('F/1/work/3')), 'F/1/work/3');
    assert.equal(parseFailurePath('/F/1.failure'), undefined);
  });

  it('puts a header above the lines', () => {
    assert.equal(formatLog(excerpt()), '# F/1/work/3 · stderr · attempt 1 · 1.5 kB\nfirst\nsecond\n');
    assert.match(formatLog(excerpt({ truncated: true, log_bytes: 5_000_000 })), /^# .* · last 2 lines of 5\.0 MB\n/);
  });

  it('says why a running task has no log yet', () => {
    const text = formatLog(excerpt({ available: false, lines: [] }), true);
    assert.match(text, /following/);
    assert.match(text, /still running: Metaflow writes its log when the task ends\. This view updates by itself\./);
  });
});

describe('failure documents', () => {
  it('shows exception, traceback and stderr tail', () => {
    const text = formatFailures(report([FAILURE]));
    assert.match(text, /^# F\/1: 1 failed task\n/);
    assert.match(text, /F\/1\/work\/6 \(attempt 1\) failed\nbuiltins\.RuntimeError: item 4 cannot be processed/);
    assert.match(text, /File "\/w\/proj\/flow\.py", line 31, in work/);
    assert.match(text, /Last lines of stderr:\n {2}work item 4 on stderr/);
  });

  it('narrows to one task and says when it did not fail', () => {
    assert.match(formatFailures(report([FAILURE]), 'F/1/work/6'), /^# F\/1\/work\/6: 1 failed task/);
    assert.equal(formatFailures(report([FAILURE]), 'F/1/work/2'), '# F/1/work/2: its latest attempt did not fail.\n');
    assert.equal(formatFailures(report([])), '# F/1: no failed task (examined 11).\n');
  });

  it('finds the source links of traceback frames', () => {
    const text = formatFailures(report([FAILURE]));
    const links = sourceLinks(text);
    assert.equal(links.length, 1);
    const [link] = links;
    assert.ok(link);
    assert.equal(link.file, '/w/proj/flow.py');
    assert.equal(link.fileLine, 31);
    assert.equal(text.split('\n')[link.line]?.slice(link.start, link.end), 'File "/w/proj/flow.py", line 31');
    assert.deepEqual(sourceLinks('  File "<string>", line 1, in <module>'), []);
  });
});
