/**
 * The query layer's results as TypeScript: one definition per concept, field for field the
 * `to_json()` of pyserver/mfstudio/query/model.py (the truth; same names, snake_case as on
 * the wire). Every front-end that reads them imports them from here: the UI (./ui/types.ts,
 * checked at runtime by ./ui/decode.ts) and the VS Code Runs view
 * (vscode-extension/src/common/runsProtocol.ts). A field model.py always writes is required
 * here; `null` stands for Python's `None`. Times are epoch seconds (UTC), sizes bytes.
 */

export type RunStatus = 'running' | 'succeeded' | 'failed';
/** The latest attempt of one task; a task without an attempt yet counts as running. */
export type TaskStatus = 'running' | 'succeeded' | 'failed';
export type LogStream = 'stdout' | 'stderr';
export type PreviewKind = 'scalar' | 'text' | 'sequence' | 'mapping' | 'dataframe' | 'array' | 'object';
/** An artifact of a compared run relative to the baseline (the first run). */
export type ArtifactChange = 'same' | 'changed' | 'added' | 'removed';
export type LineageRole = 'produced' | 'read' | 'passed' | 'origin';

/** What answering a query read (docs/query-costs.md). */
export interface Cost {
  files_read: number;
  bytes_read: number;
  dirs_listed: number;
  stats: number;
  requests: number;
}

/** A file that could not be used; reported, never raised. */
export interface Problem {
  pathspec: string;
  message: string;
}

/** What every query answer carries besides its data. */
export interface Answer {
  cost: Cost;
  problems: Problem[];
}

export interface RunInfo {
  /** "Flow/run_id" */
  pathspec: string;
  flow: string;
  run_id: string;
  status: RunStatus;
  started_at: number | null;
  /** null while running */
  finished_at: number | null;
  /** until now while running */
  duration_s: number | null;
  user: string | null;
  /** user tags */
  tags: string[];
  system_tags: string[];
  /** name -> short repr of the value ("<list, 2.1 kB>" when large) */
  parameters: Record<string, string>;
  /** set for runs made by `resume` */
  origin_run_id: string | null;
}

export interface RunPage extends Answer {
  runs: RunInfo[];
  /** pass back as `cursor` for the next, older page */
  next_cursor: string | null;
  /** runs examined to fill this page (filters may skip some) */
  scanned: number;
}

export interface TaskFailure {
  /** "Flow/run/step/task" */
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number;
  /** "builtins.ValueError" */
  exception_type: string | null;
  message: string | null;
  traceback: string | null;
  /** last lines of the failed attempt's stderr, MFLOG prefix removed */
  stderr_tail: string[];
  finished_at: number | null;
}

export interface TaskInfo {
  pathspec: string;
  step: string;
  task_id: string;
  /** latest attempt; null while the task folder has no attempt yet */
  attempt: number | null;
  status: TaskStatus;
  finished_at: number | null;
}

export interface TaskList extends Answer {
  /** step pathspec */
  step: string;
  /** failed first, then running, then succeeded; by task id within */
  tasks: TaskInfo[];
  /** more tasks than `limit` */
  truncated: boolean;
  tasks_examined: number;
}

export interface StepSummary {
  name: string;
  /** every state present, zeros included */
  tasks: Record<TaskStatus, number>;
  started_at: number | null;
  finished_at: number | null;
  duration_s: number | null;
  first_failure: TaskFailure | null;
}

export interface RunSummary extends Answer {
  run: RunInfo;
  /** in order of first start */
  steps: StepSummary[];
}

export interface FailureReport extends Answer {
  /** run pathspec */
  run: string;
  /** oldest first */
  failures: TaskFailure[];
  /** more failed tasks than `limit` */
  truncated: boolean;
  tasks_examined: number;
}

export interface LogLine {
  text: string;
  /** from the MFLOG prefix; null for lines without one */
  timestamp: number | null;
  /** "runtime" or "task" (Metaflow's log sources) */
  source: string;
}

export interface LogExcerpt extends Answer {
  /** task pathspec */
  pathspec: string;
  stream: LogStream;
  attempt: number;
  lines: LogLine[];
  /** the log holds more than what is shown */
  truncated: boolean;
  /** total size of the log file(s) */
  log_bytes: number;
  /** false while a local task runs: Metaflow writes its log when the task ends */
  available: boolean;
}

export interface ArtifactInfo {
  /** task pathspec */
  pathspec: string;
  name: string;
  sha: string;
  /** serialized size, as recorded by Metaflow */
  size: number;
  /** "builtins.float", "pandas.core.frame.DataFrame" */
  type: string;
  /** "pickle-v4", ... */
  encoding: string;
  attempt: number;
}

export interface ArtifactList extends Answer {
  /** the pathspec or flow searched */
  scope: string;
  artifacts: ArtifactInfo[];
  /** `limit` reached */
  truncated: boolean;
  tasks_examined: number;
}

export interface ArtifactPreview extends Answer {
  pathspec: string;
  name: string;
  type: string;
  size: number;
  kind: PreviewKind;
  /** truncated repr, DataFrame head as text, ... */
  preview: string;
  truncated: boolean;
  /** arrays and DataFrames */
  shape: number[] | null;
  /** arrays; DataFrame dtypes go into `columns` */
  dtype: string | null;
  columns: string[] | null;
}

export interface CardInfo {
  /** task pathspec */
  pathspec: string;
  /** "default", "blank", ... */
  type: string;
  /** the @card(id=...) when given */
  id: string | null;
  hash: string;
  size: number;
  /** only when asked for and within `max_bytes` */
  html: string | null;
}

export interface CardList extends Answer {
  pathspec: string;
  cards: CardInfo[];
}

// Run insight: the timeline, comparison and lineage of docs/ui-api.md.

/** One attempt of one task. */
export interface TimelineBar {
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number;
  status: TaskStatus;
  /** null when the attempt's start was not recorded (the chart leaves it out). */
  started_at: number | null;
  /** null while running */
  finished_at: number | null;
}

export interface Timeline extends Answer {
  /** run pathspec */
  run: string;
  started_at: number | null;
  /** null while the run is running */
  finished_at: number | null;
  /** by start time */
  bars: TimelineBar[];
}

export interface ParameterDiff {
  name: string;
  /** per run: short repr, null where the run lacks it */
  values: (string | null)[];
  differs: boolean;
}

/**
 * One artifact of one step across runs. For foreach steps `shas` are digests of the set of
 * the tasks' shas, `sizes` their total, `values` entries and `numbers` null.
 */
export interface ArtifactDiff {
  step: string;
  name: string;
  status: ArtifactChange;
  shas: (string | null)[];
  types: (string | null)[];
  sizes: (number | null)[];
  /** short previews of small scalars */
  values: (string | null)[];
  /** set when every present value is an int or float */
  numbers: (number | null)[] | null;
}

export interface StepDiff {
  name: string;
  /** seconds from the first attempt's start to the last end */
  durations: (number | null)[];
  /** null where the run has no task of the step */
  statuses: (TaskStatus | null)[];
}

export interface Comparison extends Answer {
  /** run pathspecs; the first is the baseline */
  runs: string[];
  parameters: ParameterDiff[];
  artifacts: ArtifactDiff[];
  steps: StepDiff[];
}

export interface LineageNode {
  /** "Flow/run/step" */
  id: string;
  run: string;
  step: string;
  role: LineageRole;
  /** null when the step's tasks disagree (foreach) or lack the artifact */
  sha: string | null;
  /** tasks of the step that hold the artifact */
  tasks: number;
}

export interface LineageEdge {
  source: string;
  target: string;
  kind: 'flow' | 'resume';
}

export interface Lineage extends Answer {
  run: string;
  artifact: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** node ids */
  producers: string[];
  /** node ids */
  readers: string[];
}
