/**
 * "Deploy as function": the requests and notifications of pyserver/mfstudio/lsp/functions.py
 * (method names in lsp/protocol.py, documented in docs/language-server.md). The Python side
 * finds `@json_function`s by their AST, picks tasks through the query layer and runs each
 * deployment in its own process with the flow's interpreter; this side asks and renders.
 */

export const FunctionRequests = {
  listFunctions: 'metaflow/functions',
  functionTasks: 'metaflow/functionTasks',
  deployFunction: 'metaflow/deployFunction',
  functionRequest: 'metaflow/functionRequest',
  stopFunction: 'metaflow/stopFunction',
} as const;

export const FUNCTION_PROGRESS_NOTIFICATION = 'metaflow/functionProgress';

/** Command the "Deploy as function" code lens above a `@json_function` invokes: `[uri, name]`. */
export const DEPLOY_FUNCTION_COMMAND = 'metaflow.deployFunction';

/** A `@json_function` found in the workspace (from the AST: nothing is imported or run). */
export interface FunctionInfo {
  name: string;
  uri: string;
  /** 0-based line of the `def`. */
  line: number;
  /** Dotted module name relative to the workspace folder, e.g. `functions.predict`. */
  module: string;
  /** Artifact names the body reads as `params.<name>`; null when it reads them dynamically. */
  reads: string[] | null;
  /** `@json_function(batch=True)`: the function takes a list of records. */
  batch: boolean;
  doc: string | null;
}

/** A task the function can be bound to. */
export interface FunctionTask {
  pathspec: string;
  flow: string;
  run: string;
  step: string;
  finished_at: number | null;
  run_status: 'succeeded' | 'failed' | 'running' | 'unknown';
  /** Of the artifacts the function reads, those this task lacks (empty: it can be bound). */
  missing: string[];
}

export type DeployTarget = 'call' | 'serve' | 'batch';

export interface DeployOptions {
  /** serve: 0 or absent picks a free port. */
  port?: number;
  route?: string;
  /** batch: a JSON Lines file; output defaults to `<input stem>.predictions.jsonl` beside it. */
  input_file?: string;
  output_file?: string;
  /** call and serve: seconds a request may run before 504 (the call is stopped, its worker
   * restarted); default 30. */
  timeout_s?: number;
}

/** Stages in order; `ready` means requests can be sent (call, serve), `done` ends a batch. */
export type DeployStage = 'bind' | 'environment' | 'start' | 'ready' | 'batch' | 'done' | 'failed' | 'stopped';

/** `metaflow/functionProgress` (server -> client). */
export interface FunctionProgressParams {
  deployment_id: string;
  stage: DeployStage;
  message: string;
  /** batch: records done and total (total null until known). */
  done?: number;
  total?: number | null;
  /** On `ready`: what the panel shows. */
  reference?: string;
  /** serve: the server's base URL (`url + route` answers, `url + '/docs'` is its OpenAPI page). */
  url?: string | null;
  /** serve: the function's path, e.g. `/predict`. */
  route?: string;
  openapi?: unknown;
  input_example?: unknown;
  /** On `done`. */
  output_file?: string;
  /** On `failed`: what went wrong and how to fix it. */
  error?: { kind: string; message: string };
}

export interface FunctionParams {
  'metaflow/functions': { uri?: string };
  'metaflow/functionTasks': { uri: string; function: string };
  'metaflow/deployFunction': { uri: string; function: string; task: string; target: DeployTarget; options?: DeployOptions };
  'metaflow/functionRequest': { deployment_id: string; body: unknown };
  'metaflow/stopFunction': { deployment_id: string };
}

export interface FunctionResults {
  'metaflow/functions': { functions: FunctionInfo[] };
  /** Newest first; `suggested` is the newest task of a successful run that lacks nothing. */
  'metaflow/functionTasks': { tasks: FunctionTask[]; suggested: string | null };
  'metaflow/deployFunction': { deployment_id: string } | { error: { kind: string; message: string } };
  /** The function's answer: HTTP status semantics for every target (200, 422, 500, 504). */
  'metaflow/functionRequest': { status: number; body: unknown; elapsed_ms: number };
  'metaflow/stopFunction': { stopped: boolean };
}

export type FunctionMethod = keyof FunctionParams;
