/**
 * The run requests of the Metaflow language server (pyserver/mfstudio/lsp/protocol.py) and
 * their payloads, mirroring pyserver/mfstudio/query/model.py field for field (snake_case:
 * the wire format is the query result's `to_json()`). One name per concept: RunInfo here is
 * RunInfo there. Params are the query function's arguments plus `root` (the folder holding
 * `.metaflow`); fields added to the Python side later are optional here.
 */

export const RunRequests = {
  listFlows: 'metaflow/listFlows',
  listRuns: 'metaflow/listRuns',
  runSummary: 'metaflow/runSummary',
  tasks: 'metaflow/tasks',
  failures: 'metaflow/failures',
  logs: 'metaflow/logs',
  artifacts: 'metaflow/artifacts',
  artifactValue: 'metaflow/artifactValue',
  cards: 'metaflow/cards',
  latestCards: 'metaflow/latestCards',
  findFlow: 'metaflow/findFlow',
} as const;

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type TaskStatus = RunStatus;
export type LogStream = 'stdout' | 'stderr';

export interface Cost {
  files_read: number;
  bytes_read: number;
  dirs_listed: number;
  stats: number;
  requests: number;
}

export interface Problem {
  pathspec: string;
  message: string;
}

/** What every result carries besides its data. */
export interface Costed {
  cost: Cost;
  problems: Problem[];
}

export interface Datastore {
  /** The folder holding `.metaflow`. */
  root: string;
  flows: string[];
  /** Why the flows could not be listed, if they could not. */
  error: string | null;
}

export interface DatastoreList {
  datastores: Datastore[];
}

export interface RunInfo {
  pathspec: string;
  flow: string;
  run_id: string;
  status: RunStatus;
  started_at: number | null;
  finished_at: number | null;
  duration_s: number | null;
  user: string | null;
  tags: string[];
  system_tags: string[];
  parameters: Record<string, string>;
  origin_run_id?: string | null;
}

export interface RunPage extends Costed {
  runs: RunInfo[];
  next_cursor: string | null;
  scanned: number;
}

export interface TaskFailure {
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number;
  exception_type: string | null;
  message: string | null;
  traceback: string | null;
  stderr_tail: string[];
  finished_at: number | null;
}

export interface StepSummary {
  name: string;
  tasks: Record<TaskStatus, number>;
  started_at: number | null;
  finished_at: number | null;
  duration_s: number | null;
  first_failure: TaskFailure | null;
}

export interface RunSummary extends Costed {
  run: RunInfo;
  steps: StepSummary[];
}

export interface TaskInfo {
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number | null;
  status: TaskStatus;
  finished_at: number | null;
}

export interface TaskList extends Costed {
  step: string;
  /** Failed first, then running, then succeeded. */
  tasks: TaskInfo[];
  truncated: boolean;
  tasks_examined: number;
}

export interface FailureReport extends Costed {
  run: string;
  failures: TaskFailure[];
  truncated: boolean;
  tasks_examined: number;
}

export interface LogLine {
  text: string;
  timestamp: number | null;
  source: string;
}

export interface LogExcerpt extends Costed {
  pathspec: string;
  stream: LogStream;
  attempt: number;
  lines: LogLine[];
  truncated: boolean;
  log_bytes: number;
  /** False while a local task runs: Metaflow writes its log when the task ends. */
  available: boolean;
}

export interface ArtifactInfo {
  pathspec: string;
  name: string;
  sha: string;
  size: number;
  type: string;
  encoding: string;
  attempt: number;
}

export interface ArtifactList extends Costed {
  scope: string;
  artifacts: ArtifactInfo[];
  truncated: boolean;
  tasks_examined: number;
}

export type PreviewKind = 'scalar' | 'text' | 'sequence' | 'mapping' | 'dataframe' | 'array' | 'object';

export interface ArtifactPreview extends Costed {
  pathspec: string;
  name: string;
  type: string;
  size: number;
  kind: PreviewKind;
  preview: string;
  truncated: boolean;
  shape?: number[] | null;
  dtype?: string | null;
  columns?: string[] | null;
}

export interface CardInfo {
  pathspec: string;
  type: string;
  id: string | null;
  hash: string;
  size: number;
  html: string | null;
}

export interface CardList extends Costed {
  pathspec: string;
  cards: CardInfo[];
}

/** `metaflow/findFlow`'s answer: where a flow (or one of its steps) is defined. */
export interface FlowLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Params shared by every run request. */
export interface RootParam {
  /** The folder holding `.metaflow`; default: the workspace's first datastore. */
  root?: string;
}

export interface ListRunsParams extends RootParam {
  flow: string;
  status?: RunStatus;
  since?: number;
  until?: number;
  tags?: string[];
  user?: string;
  limit?: number;
  cursor?: string;
}

export interface LogsParams extends RootParam {
  task: string;
  stream?: LogStream;
  tail?: number;
  head?: number;
  grep?: string;
  max_bytes?: number;
  attempt?: number;
}

/** Method name -> [params, result]: lets one generic `request` stay fully typed. */
export interface RunRequestTypes {
  'metaflow/listFlows': [Record<string, never>, DatastoreList];
  'metaflow/listRuns': [ListRunsParams, RunPage];
  'metaflow/runSummary': [RootParam & { run: string }, RunSummary];
  'metaflow/tasks': [RootParam & { step: string; limit?: number }, TaskList];
  'metaflow/failures': [RootParam & { run: string; limit?: number; stderr_lines?: number }, FailureReport];
  'metaflow/logs': [LogsParams, LogExcerpt];
  'metaflow/artifacts': [
    RootParam & { scope: string; name?: string; type?: string; min_size?: number; max_size?: number; limit?: number; include_private?: boolean },
    ArtifactList,
  ];
  'metaflow/artifactValue': [RootParam & { task: string; name: string; max_bytes?: number }, ArtifactPreview];
  'metaflow/cards': [RootParam & { task: string; include_html?: boolean; max_bytes?: number }, CardList];
  'metaflow/latestCards': [RootParam & { flow: string; step: string }, CardList];
  'metaflow/findFlow': [{ flow: string; step?: string }, FlowLocation | null];
}

export type RunMethod = keyof RunRequestTypes;
export type ParamsOf<M extends RunMethod> = RunRequestTypes[M][0];
export type ResultOf<M extends RunMethod> = RunRequestTypes[M][1];

/** Anything that answers run requests (the server; a fake in unit tests). */
export interface RunsSource {
  request<M extends RunMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
}
