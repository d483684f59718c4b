/**
 * The JSON the UI reads, as TypeScript: the `to_json()` shapes of the query layer
 * (pyserver/mfstudio/query/model.py) and of the UI routes (docs/ui-api.md). Field names stay
 * snake_case, as on the wire. FlowGraph and RunState live in ../protocol.ts (shared with the
 * DAG view). decode.ts checks every answer against these before a view touches it.
 */
import type { RunState } from '../protocol';

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface Problem {
  pathspec: string;
  message: string;
}

/** Fields every query answer carries (docs/query-costs.md); the UI does not show them. */
export interface Answer {
  cost?: Record<string, number>;
  problems?: Problem[];
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
  origin_run_id: string | null;
}

export interface FlowList {
  flows: { name: string }[];
  root: string;
}

export interface RunPage extends Answer {
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
  tasks: Record<string, number>;
  started_at: number | null;
  finished_at: number | null;
  duration_s: number | null;
  first_failure: TaskFailure | null;
}

export interface RunSummary extends Answer {
  run: RunInfo;
  steps: StepSummary[];
}

export interface FailureReport extends Answer {
  run: string;
  failures: TaskFailure[];
  truncated: boolean;
  tasks_examined?: number;
}

export interface TaskInfo {
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number | null;
  status: RunStatus;
  finished_at: number | null;
}

export interface TaskList extends Answer {
  step: string;
  tasks: TaskInfo[];
  truncated: boolean;
  tasks_examined?: number;
}

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  text: string;
  timestamp: number | null;
  source: string;
}

export interface LogExcerpt extends Answer {
  pathspec: string;
  stream: LogStream;
  attempt: number;
  lines: LogLine[];
  truncated: boolean;
  log_bytes: number;
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

export interface ArtifactList extends Answer {
  scope: string;
  artifacts: ArtifactInfo[];
  truncated: boolean;
  tasks_examined?: number;
}

export interface ArtifactPreview extends Answer {
  pathspec: string;
  name: string;
  type: string;
  size: number;
  kind: string;
  preview: string;
  truncated: boolean;
  shape: number[] | null;
  dtype: string | null;
  columns: string[] | null;
}

export interface CardInfo {
  pathspec: string;
  type: string;
  id: string | null;
  hash: string;
  size: number;
}

export interface CardList extends Answer {
  pathspec: string;
  cards: CardInfo[];
}

export interface TimelineBar {
  pathspec: string;
  step: string;
  task_id: string;
  attempt: number;
  status: RunStatus;
  /** null when the attempt's start was not recorded (the chart leaves it out). */
  started_at: number | null;
  finished_at: number | null;
}

export interface Timeline extends Answer {
  run: string;
  started_at: number | null;
  finished_at: number | null;
  bars: TimelineBar[];
}

export type ArtifactChange = 'same' | 'changed' | 'added' | 'removed';

export interface ComparedParameter {
  name: string;
  values: (string | null)[];
  differs: boolean;
}

export interface ComparedArtifact {
  step: string;
  name: string;
  status: ArtifactChange;
  shas: (string | null)[];
  types: (string | null)[];
  sizes: (number | null)[];
  values: (string | null)[] | null;
  numbers: (number | null)[] | null;
}

export interface ComparedStep {
  name: string;
  durations: (number | null)[];
  statuses: (string | null)[];
}

export interface Comparison extends Answer {
  runs: string[];
  parameters: ComparedParameter[];
  artifacts: ComparedArtifact[];
  steps: ComparedStep[];
}

export type LineageRole = 'produced' | 'read' | 'passed' | 'origin';

export interface LineageNode {
  id: string;
  run: string;
  step: string;
  role: LineageRole;
  sha: string | null;
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
  producers: string[];
  readers: string[];
}

/** The error body of every failed request (docs/ui-api.md "Errors"). */
export interface ApiErrorBody {
  kind: string;
  message: string;
  nearest: string[];
}

/** What a subscription asks for (the `subscribe` message without its id). */
export type Topic =
  | { topic: 'run'; run: string }
  | { topic: 'runs'; flow: string }
  | { topic: 'log'; task: string; stream: LogStream };

/** What the server pushes for a subscription (docs/ui-api.md "Subscriptions"). */
export type UiEvent =
  | { type: 'run'; id: string; state: RunState; summary: RunSummary }
  | { type: 'runs'; id: string; flow: string }
  | { type: 'log'; id: string; task: string; stream: LogStream; lines: LogLine[]; reset: boolean; available: boolean }
  | { type: 'error'; id: string; error: ApiErrorBody };
