/**
 * Messages between the function panel (src/functionPanel/) and its host (VS Code's
 * "Deploy as function": vscode-extension/src/views/functionPanel.ts).
 *
 * The host owns the state (one deployment: what it is, where it got to, the requests sent and
 * their answers) and sends all of it on every change; the page renders it and keeps only the
 * request being typed. Stage and target names are those of `metaflow/functionProgress`
 * (vscode-extension/src/common/functionsProtocol.ts).
 */

export type PanelStage = 'bind' | 'environment' | 'start' | 'ready' | 'batch' | 'done' | 'failed' | 'stopped';
export type PanelTarget = 'call' | 'serve' | 'batch';

/** Stages after which the deployment no longer runs. */
export const ENDED_STAGES: readonly PanelStage[] = ['done', 'failed', 'stopped'];

/** One request sent from the panel and its answer (status null while it is pending). */
export interface RequestRecord {
  /** Numbered by the host, from 1, per panel. */
  id: number;
  /** When it was sent, epoch milliseconds. */
  sent_at: number;
  body: unknown;
  status: number | null;
  answer: unknown;
  elapsed_ms: number | null;
  /** The request could not be made (e.g. the deployment stopped), in words. */
  error: string | null;
}

export interface FunctionPanelState {
  deployment_id: string;
  function: string;
  module: string;
  /** The bound task's pathspec. */
  task: string;
  target: PanelTarget;
  stage: PanelStage;
  /** The latest progress message. */
  message: string;
  reference: string | null;
  /** serve: the server's base URL. */
  url: string | null;
  /** serve: the OpenAPI document, as the server gave it. */
  openapi: unknown;
  /** A body the request editor starts with. */
  input_example: unknown;
  /** batch: records done and total (null until known). */
  done: number | null;
  total: number | null;
  input_file: string | null;
  output_file: string | null;
  error: { kind: string; message: string } | null;
  /** Newest first, at most HISTORY_MAX. */
  history: RequestRecord[];
}

/** Requests kept in the panel's history. */
export const HISTORY_MAX = 10;

/** Messages the host sends the panel. */
export type HostToFunctionPanel = { type: 'state'; state: FunctionPanelState };

/** Messages the panel sends its host. */
export type FunctionPanelToHost =
  | { type: 'ready' }
  /** Send `body` to the function (the editor's JSON, parsed). */
  | { type: 'send'; body: unknown }
  | { type: 'copyReference' }
  /** serve: open `<url>/docs` in the browser. */
  | { type: 'openDocs' }
  /** batch: open the output file in the editor. */
  | { type: 'openOutput' }
  | { type: 'stop' };
