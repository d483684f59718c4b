/**
 * The text of the read-only run documents (a task's log, a run's failures) and the source
 * links found in tracebacks. Pure, so unit-tested without an editor; logDocuments.ts and
 * failureDocuments.ts serve these texts under their own URI schemes.
 */
import type { FailureReport, LogExcerpt, LogStream, TaskFailure } from '../common/runsProtocol';
import { formatSize, formatTime } from './runsTreeItems';

/** A virtual document's address: what to show, from which datastore. */
export interface RunDocumentRef {
  /** A task pathspec (logs, one task's failure) or a run pathspec (all its failures). */
  pathspec: string;
  root: string | undefined;
  stream?: LogStream;
}

/**
 * A task's or run's name as its editor tab shows it: `train 4` for Flow/run/train/4, the run
 * id for a run (the last path segment is the tab title, so it must tell tabs apart).
 */
function tabName(pathspec: string): string {
  const parts = pathspec.split('/');
  return parts.length === 4 ? `${parts[2]} ${parts[3]}` : (parts[1] ?? pathspec);
}

/** `/Flow/run/step/task/step task · stdout.log` <-> {pathspec, stream}: a metaflow-log URI's path. */
export function logPath(pathspec: string, stream: LogStream): string {
  return `/${pathspec}/${tabName(pathspec)} · ${stream}.log`;
}

export function parseLogPath(path: string): { pathspec: string; stream: LogStream } | undefined {
  const match = /^\/(.+)\/[^/]* · (stdout|stderr)\.log$/.exec(path);
  if (match?.[1] === undefined || (match[2] !== 'stdout' && match[2] !== 'stderr')) {
    return undefined;
  }
  return { pathspec: match[1], stream: match[2] };
}

/** `/Flow/run[/step/task]/<name> · failure` <-> pathspec: a metaflow-failure URI's path. */
export function failurePath(pathspec: string): string {
  return `/${pathspec}/${tabName(pathspec)} · failure`;
}

export function parseFailurePath(path: string): string | undefined {
  return /^\/(.+)\/[^/]* · failure$/.exec(path)?.[1];
}

/** A log document: a one-line header, then the lines as Metaflow printed them. */
export function formatLog(excerpt: LogExcerpt, following = false): string {
  const shown = excerpt.truncated ? `last ${excerpt.lines.length} lines of ${formatSize(excerpt.log_bytes)}` : formatSize(excerpt.log_bytes);
  const header = `# ${excerpt.pathspec} · ${excerpt.stream} · attempt ${excerpt.attempt} · ${shown}${following ? ' · following' : ''}`;
  if (!excerpt.available) {
    return `${header}\n# The task is still running: Metaflow writes its log when the task ends.${following ? ' This view updates by itself.' : ''}\n`;
  }
  const problems = excerpt.problems.map((p) => `# problem: ${p.message}`);
  return [header, ...problems, ...excerpt.lines.map((l) => l.text)].join('\n') + '\n';
}

function formatOne(failure: TaskFailure): string {
  const what = [failure.exception_type, failure.message].filter((s) => s !== null && s !== '').join(': ');
  const when = failure.finished_at !== null ? ` at ${formatTime(failure.finished_at)}` : '';
  const parts = [`${failure.pathspec} (attempt ${failure.attempt}) failed${when}`, what || '(no exception recorded)'];
  if (failure.traceback) {
    parts.push('', failure.traceback.trimEnd());
  }
  if (failure.stderr_tail.length > 0) {
    parts.push('', 'Last lines of stderr:', ...failure.stderr_tail.map((l) => `  ${l}`));
  }
  return parts.join('\n');
}

/** A failure document: every failure of the report, or only `task`'s when given. */
export function formatFailures(report: FailureReport, task?: string): string {
  const failures = task === undefined ? report.failures : report.failures.filter((f) => f.pathspec === task);
  if (failures.length === 0) {
    return task === undefined
      ? `# ${report.run}: no failed task (examined ${report.tasks_examined}).\n`
      : `# ${task}: its latest attempt did not fail.\n`;
  }
  const header = `# ${task ?? report.run}: ${failures.length} failed task${failures.length === 1 ? '' : 's'}${report.truncated && task === undefined ? ' (more not shown)' : ''}`;
  return [header, '', failures.map(formatOne).join('\n\n' + '-'.repeat(60) + '\n\n')].join('\n') + '\n';
}

export interface SourceLink {
  line: number;
  /** Column range of the link in that line. */
  start: number;
  end: number;
  file: string;
  /** 1-based, as in the traceback. */
  fileLine: number;
}

const TRACEBACK_FRAME = /File "([^"]+)", line (\d+)/g;

/** `File "/x/flow.py", line 12` frames of Python tracebacks in `text`. */
export function sourceLinks(text: string): SourceLink[] {
  const links: SourceLink[] = [];
  text.split('\n').forEach((content, line) => {
    for (const match of content.matchAll(TRACEBACK_FRAME)) {
      const [whole, file, fileLine] = match;
      if (file === undefined || fileLine === undefined || file.startsWith('<')) {
        continue;
      }
      const start = match.index ?? 0;
      links.push({ line, start, end: start + whole.length, file, fileLine: Number(fileLine) });
    }
  });
  return links;
}
