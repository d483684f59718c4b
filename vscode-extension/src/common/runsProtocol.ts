/**
 * The run requests of the Metaflow language server (pyserver/mfstudio/lsp/protocol.py): method
 * names, params and the Runs view's own payloads. The results are the query layer's
 * `to_json()`, typed once in media/src/queryTypes.ts (field for field
 * pyserver/mfstudio/query/model.py, shared with the UI) and re-exported here. Params are the
 * query function's arguments plus `root` (the folder holding `.metaflow`).
 */
import type {
  ArtifactList,
  ArtifactPreview,
  CardList,
  FailureReport,
  LogExcerpt,
  LogStream,
  RunPage,
  RunStatus,
  RunSummary,
  TaskList,
} from '../../../media/src/queryTypes';

export type * from '../../../media/src/queryTypes';

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
