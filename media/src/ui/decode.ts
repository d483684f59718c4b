/**
 * Decoders for every answer the UI reads. A server of another version, a proxy's HTML error
 * page or a truncated body must end as a clear message in the error banner, never as a
 * half-drawn view, so each route's JSON is checked field by field before use.
 *
 * A decoder is a type guard; `shape()` builds one from a map of field guards, so each
 * type's check reads like its declaration in ../queryTypes.ts (re-exported by types.ts):
 * every field model.py writes is checked. Extra fields are allowed (servers add fields; old
 * pages keep working). tests/ui/test_ui_decode_real.py runs real answers through them.
 */
import { isFlowGraph } from '../host';
import { isRunState } from '../dag/runState';
import { isRecord, isStringArray, isStringRecord } from '../guards';
import type { FlowGraph, RunState } from '../protocol';
import type * as T from './types';

export type Guard<V> = (value: unknown) => value is V;

const str: Guard<string> = (v): v is string => typeof v === 'string';
const num: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const bool: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const nullable =
  <V>(g: Guard<V>): Guard<V | null> =>
  (v): v is V | null =>
    v === null || g(v);
const list =
  <V>(g: Guard<V>): Guard<V[]> =>
  (v): v is V[] =>
    Array.isArray(v) && v.every(g);
const oneOf =
  <V extends string>(...options: V[]): Guard<V> =>
  (v): v is V =>
    options.includes(v as V);

/** The keys of `V` that are not optional (optional ones go unchecked). */
type RequiredKeys<V> = { [K in keyof V]-?: undefined extends V[K] ? never : K }[keyof V];

/** A guard for an object whose required fields pass their guards. */
export function shape<V>(fields: { [K in RequiredKeys<V>]-?: Guard<V[K]> }): Guard<V> {
  const entries = Object.entries(fields) as [string, Guard<unknown>][];
  return (v): v is V => isRecord(v) && entries.every(([key, guard]) => guard(v[key]));
}

const runStatus = oneOf<T.RunStatus>('running', 'succeeded', 'failed');
const taskStatus = oneOf<T.TaskStatus>('running', 'succeeded', 'failed');

const cost = shape<T.Cost>({ files_read: num, bytes_read: num, dirs_listed: num, stats: num, requests: num });
const problem = shape<T.Problem>({ pathspec: str, message: str });
/** The fields every query answer carries (T.Answer), spread into each answer's guard map. */
const answer = { cost, problems: list(problem) };

export const isRunInfo = shape<T.RunInfo>({
  pathspec: str,
  flow: str,
  run_id: str,
  status: runStatus,
  started_at: nullable(num),
  finished_at: nullable(num),
  duration_s: nullable(num),
  user: nullable(str),
  tags: isStringArray,
  system_tags: isStringArray,
  parameters: isStringRecord,
  origin_run_id: nullable(str),
});

export const isFlowList = shape<T.FlowList>({ flows: list(shape<{ name: string }>({ name: str })), root: str });
export const isRunPage = shape<T.RunPage>({ ...answer, runs: list(isRunInfo), next_cursor: nullable(str), scanned: num });

const taskFailure = shape<T.TaskFailure>({
  pathspec: str,
  step: str,
  task_id: str,
  attempt: num,
  exception_type: nullable(str),
  message: nullable(str),
  traceback: nullable(str),
  stderr_tail: isStringArray,
  finished_at: nullable(num),
});

const stepSummary = shape<T.StepSummary>({
  name: str,
  tasks: shape<T.StepSummary['tasks']>({ running: num, succeeded: num, failed: num }),
  started_at: nullable(num),
  finished_at: nullable(num),
  duration_s: nullable(num),
  first_failure: nullable(taskFailure),
});

export const isRunSummary = shape<T.RunSummary>({ ...answer, run: isRunInfo, steps: list(stepSummary) });
export const isFailureReport = shape<T.FailureReport>({ ...answer, run: str, failures: list(taskFailure), truncated: bool, tasks_examined: num });

const taskInfo = shape<T.TaskInfo>({ pathspec: str, step: str, task_id: str, attempt: nullable(num), status: taskStatus, finished_at: nullable(num) });
export const isTaskList = shape<T.TaskList>({ ...answer, step: str, tasks: list(taskInfo), truncated: bool, tasks_examined: num });

const logStream = oneOf<T.LogStream>('stdout', 'stderr');
export const isLogLine = shape<T.LogLine>({ text: str, timestamp: nullable(num), source: str });
export const isLogExcerpt = shape<T.LogExcerpt>({
  ...answer,
  pathspec: str,
  stream: logStream,
  attempt: num,
  lines: list(isLogLine),
  truncated: bool,
  log_bytes: num,
  available: bool,
});

const artifactInfo = shape<T.ArtifactInfo>({ pathspec: str, name: str, sha: str, size: num, type: str, encoding: str, attempt: num });
export const isArtifactList = shape<T.ArtifactList>({ ...answer, scope: str, artifacts: list(artifactInfo), truncated: bool, tasks_examined: num });
export const isArtifactPreview = shape<T.ArtifactPreview>({
  ...answer,
  pathspec: str,
  name: str,
  type: str,
  size: num,
  kind: oneOf<T.PreviewKind>('scalar', 'text', 'sequence', 'mapping', 'dataframe', 'array', 'object'),
  preview: str,
  truncated: bool,
  shape: nullable(list(num)),
  dtype: nullable(str),
  columns: nullable(isStringArray),
});

const cardInfo = shape<T.CardInfo>({ pathspec: str, type: str, id: nullable(str), hash: str, size: num, html: nullable(str) });
export const isCardList = shape<T.CardList>({ ...answer, pathspec: str, cards: list(cardInfo) });

const timelineBar = shape<T.TimelineBar>({
  pathspec: str,
  step: str,
  task_id: str,
  attempt: num,
  status: taskStatus,
  started_at: nullable(num),
  finished_at: nullable(num),
});
export const isTimeline = shape<T.Timeline>({ ...answer, run: str, started_at: nullable(num), finished_at: nullable(num), bars: list(timelineBar) });

const nullableStrings = list(nullable(str));
const nullableNumbers = list(nullable(num));
export const isComparison = shape<T.Comparison>({
  ...answer,
  runs: isStringArray,
  parameters: list(shape<T.ParameterDiff>({ name: str, values: nullableStrings, differs: bool })),
  artifacts: list(
    shape<T.ArtifactDiff>({
      step: str,
      name: str,
      status: oneOf<T.ArtifactChange>('same', 'changed', 'added', 'removed'),
      shas: nullableStrings,
      types: nullableStrings,
      sizes: nullableNumbers,
      values: nullableStrings,
      numbers: nullable(nullableNumbers),
    }),
  ),
  steps: list(shape<T.StepDiff>({ name: str, durations: nullableNumbers, statuses: list(nullable(taskStatus)) })),
});

export const isLineage = shape<T.Lineage>({
  ...answer,
  run: str,
  artifact: str,
  nodes: list(
    shape<T.LineageNode>({ id: str, run: str, step: str, role: oneOf<T.LineageRole>('produced', 'read', 'passed', 'origin'), sha: nullable(str), tasks: num }),
  ),
  edges: list(shape<T.LineageEdge>({ source: str, target: str, kind: oneOf('flow', 'resume') })),
  producers: isStringArray,
  readers: isStringArray,
});

export const isFlowGraphAnswer: Guard<FlowGraph> = isFlowGraph;
export const isRunStateAnswer: Guard<RunState> = isRunState;

/** The `error` object of an error body, or null when `value` is not one. */
export function decodeErrorBody(value: unknown): T.ApiErrorBody | null {
  const error = isRecord(value) ? value.error : undefined;
  if (!isRecord(error) || !str(error.message)) return null;
  return {
    kind: str(error.kind) ? error.kind : 'internal',
    message: error.message,
    nearest: isStringArray(error.nearest) ? error.nearest : [],
  };
}

/** A pushed subscription message, or null when it is not one the UI knows. */
export function decodeEvent(value: unknown): T.UiEvent | null {
  if (!isRecord(value) || !str(value.id)) return null;
  const id = value.id;
  switch (value.type) {
    case 'run':
      return isRunState(value.state) && isRunSummary(value.summary) ? { type: 'run', id, state: value.state, summary: value.summary } : null;
    case 'runs':
      return str(value.flow) ? { type: 'runs', id, flow: value.flow } : null;
    case 'log':
      if (!str(value.task) || !logStream(value.stream) || !list(isLogLine)(value.lines)) return null;
      return { type: 'log', id, task: value.task, stream: value.stream, lines: value.lines, reset: value.reset === true, available: value.available !== false };
    case 'error': {
      const error = decodeErrorBody(value);
      return error ? { type: 'error', id, error } : null;
    }
    default:
      return null;
  }
}
