/**
 * The custom LSP methods of the Metaflow language server, mirroring
 * pyserver/mfstudio/lsp/protocol.py (see docs/language-server.md). The graph payload
 * itself is typed once, in media/src/protocol.ts, and only re-exported here.
 */
export type {
  ExportFormat,
  FlowGraph,
  HostToView,
  SourceRange,
  StepInfo,
  ViewToHost,
} from '../../../media/src/protocol';

/** Request: the graph of one flow of a document's current text. */
export const FLOW_GRAPH_REQUEST = 'metaflow/flowGraph';
/** Notification from the server: a document's analysis changed; re-request its graph. */
export const FLOW_GRAPH_CHANGED_NOTIFICATION = 'metaflow/flowGraphChanged';

export interface FlowGraphParams {
  uri: string;
  /** The flow class to describe; null: the file's last flow (Metaflow's own choice). */
  flow: string | null;
}

export interface FlowGraphChangedParams {
  uri: string;
  version: number;
}

/** The options sent with `initialize`. */
export interface InitializationOptions {
  workspaceRoots: string[];
  /** Folders holding `.metaflow` (the metaflow.datastoreRoot setting), before the workspace folders. */
  datastoreRoots: string[];
}
