/**
 * The one typed protocol of Metaflow Studio's front-end.
 *
 * `FlowGraph` mirrors the Python `FileAnalysis.to_json()` payload exactly (pyserver/mfstudio/
 * flowgraph/model.py): it is what `mfstudio graph --json` prints and what the
 * `metaflow/flowGraph` LSP request returns. Field names keep Metaflow's own `output-raw`
 * vocabulary (snake_case) so the CLI, the language server and every host share one payload.
 *
 * `HostToView` / `ViewToHost` are the messages between a host (VS Code webview, standalone
 * server, notebook widget) and the front-end, discriminated by `type`.
 */

export type StepType =
  | 'start'
  | 'linear'
  | 'join'
  | 'end'
  | 'split-static'
  | 'split-foreach'
  | 'split-parallel'
  | 'split-switch';

/** Lines are 1-based, columns 0-based (Python's ast convention). */
export interface SourceRange {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface DiagnosticInfo extends SourceRange {
  severity: Severity;
  message: string;
  rule: string;
  flow: string | null;
}

export interface DecoratorInfo {
  name: string;
  attributes: Record<string, unknown>;
  range: SourceRange;
}

export interface StepInfo {
  type: StepType;
  next: string[];
  foreach_artifact: string | null;
  num_parallel: number | string | null;
  matching_join: string | null;
  condition: string | null;
  switch_cases: Record<string, string> | null;
  decorators: DecoratorInfo[];
  line: number;
  doc: string;
  range: SourceRange;
  name_range: SourceRange;
  in_funcs: string[];
  /**
   * The file defining a step inherited from a base class in another module (its line and
   * ranges refer to that file); null for steps of this file. Optional for older payloads.
   */
  source_file?: string | null;
}

export interface ParameterInfo {
  name: string;
  attribute: string;
  kind: 'parameter' | 'config' | 'include_file';
  type: string | null;
  default: unknown;
  /** False when `default` is the source text of an expression (e.g. a lambda). */
  default_is_literal?: boolean;
  help: string | null;
  required: boolean;
  range: SourceRange;
}

export interface FlowGraph {
  flow: string | null;
  /** The flow class's docstring ("" when none; absent from older servers). */
  flow_doc?: string;
  file: string;
  flows: string[];
  steps: Record<string, StepInfo>;
  graph_structure: unknown[];
  parameters: ParameterInfo[];
  flow_decorators: DecoratorInfo[];
  diagnostics: DiagnosticInfo[];
}

export type ExportFormat = 'svg' | 'png';

/** The state of one step in a live (or finished) run. */
export type StepRunStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export interface StepRunState {
  status: StepRunStatus;
  /** Tasks of the step by state (a foreach step has one task per item). */
  tasks: { running: number; succeeded: number; failed: number };
  /** Foreach: the number of tasks the split will create, when known; else null. */
  expected: number | null;
}

/**
 * A run drawn over the DAG. `run` is the run's pathspec (`Flow/run_id`); steps missing from
 * `steps` are pending. Built by the host from the query layer (file watching), so it works
 * the same for runs started outside the editor.
 */
export interface RunState {
  run: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: Record<string, StepRunState>;
}

/** Messages a host sends to the front-end. */
export type HostToView =
  /** A new or updated graph; the view keeps zoom and pan when `flow` is unchanged. */
  | { type: 'graph'; graph: FlowGraph }
  /** The editor cursor moved into `step` (null: outside every step). */
  | { type: 'highlight'; step: string | null }
  /** Ask the view to serialise the current drawing; it answers with `exported`. */
  | { type: 'export'; format: ExportFormat }
  /** Fit the whole graph into the view. */
  | { type: 'fit' }
  /** Draw a run's state over the DAG (classes and text only, no relayout); null clears it. */
  | { type: 'runState'; state: RunState | null };

/** Messages the front-end sends to its host. */
export type ViewToHost =
  /** The view has loaded and can receive `graph`. */
  | { type: 'ready' }
  /** The user clicked a step node: the host reveals `def <step>` in the editor. */
  | { type: 'revealStep'; step: string }
  /** The answer to `export`: SVG text, or a PNG as a data: URL. */
  | { type: 'exported'; format: ExportFormat; data: string }
  /** Rendering finished; `nodes` is the number of step nodes drawn (tests read it). */
  | { type: 'rendered'; flow: string | null; nodes: number; millis: number }
  /** Something failed inside the view; the host logs and shows it. */
  | { type: 'error'; message: string };
