/**
 * What activate() returns: a small, typed surface for in-host tests and for other
 * extensions that want to read Metaflow Studio's state. It exposes nothing that mutates.
 */
import type * as vscode from 'vscode';
import type { FlowGraph } from './common/protocol';
import type { ServerState } from './common/server';

export interface DagPanelInfo {
  /** The flow shown, once the server answered. */
  flow: string | null;
  /** The document the panel follows, as a URI string. */
  document: string;
  /** The view's last `rendered` report. */
  lastRendered?: { nodes: number; millis: number };
  /** The step highlighted in the view (cursor or code lens), if any. */
  highlighted: string | null;
}

export interface MetaflowStudioApi {
  serverState(): ServerState;
  /** `metaflow/flowGraph` for a document (flow: null = the file's last flow). */
  flowGraph(uri: vscode.Uri | string, flow?: string | null): Promise<FlowGraph>;
  dagPanel(): DagPanelInfo | undefined;
  /** Time spent in activate(), in milliseconds. */
  activationMillis: number;
}
