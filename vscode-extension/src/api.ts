/**
 * What activate() returns: a small, typed surface for in-host tests and for other
 * extensions that want to read Metaflow Studio's state. Only the Runs view's filter and
 * refresh change anything, and only that view.
 */
import type * as vscode from 'vscode';
import type { FunctionsApi } from './commands/deployFunction';
import type { FlowGraph } from './common/protocol';
import type { RunFlowApi } from './runs/runFlow';
import type { LogStream } from './common/runsProtocol';
import type { ServerState, ServerStatus } from './common/server';
import type { DebugPlanParams, DebugPlanResult } from './debug/protocol';
import type { CardPanelInfo } from './views/cardPanel';
import type { RunFilter } from './views/runFilter';
import type { ItemSpec } from './views/runsTreeItems';
import type { UiPanelInfo } from './views/uiPanel';

export type { CardPanelInfo, FunctionsApi, ItemSpec, RunFilter, UiPanelInfo };

/** The Runs view, read the way a user sees it. */
export interface RunsViewApi {
  /** Children of the item with `id` (undefined: the top level), as shown. */
  children(id?: string): Promise<ItemSpec[]>;
  /** The item with `id` as the view's commands receive it (pass it to executeCommand). */
  node(id: string): unknown;
  filter(): RunFilter;
  setFilter(filter: RunFilter): Promise<void>;
  refresh(): void;
  /** Opens a task's log document (as "Open logs" does) and returns its text. */
  openLog(task: string, stream: LogStream, root?: string, follow?: boolean): Promise<string>;
  logUri(task: string, stream: LogStream, root?: string): string;
  /** The card panel, if open. */
  cardPanel(): CardPanelInfo | undefined;
}

export interface DagPanelInfo {
  /** The flow shown, once the server answered. */
  flow: string | null;
  /** The document the panel follows, as a URI string. */
  document: string;
  /** The view's last `rendered` report. */
  lastRendered?: { nodes: number; millis: number };
  /** The step highlighted in the view (cursor or code lens), if any. */
  highlighted: string | null;
  /** The run drawn over the graph (the flow's newest, or one started here), if any. */
  run?: { run: string; status: string } | null;
}

export interface MetaflowStudioApi {
  serverState(): ServerState;
  /** The state with its reason and the interpreter it was started with (and where that came from). */
  serverStatus(): ServerStatus;
  /** `metaflow/debugPlan` (reads only): what "Debug step" would run, with the server's own
   * interpreter (`python`, its sys.executable). */
  debugPlan(params: DebugPlanParams): Promise<DebugPlanResult>;
  /** `metaflow/flowGraph` for a document (flow: null = the file's last flow). */
  flowGraph(uri: vscode.Uri | string, flow?: string | null): Promise<FlowGraph>;
  dagPanel(): DagPanelInfo | undefined;
  runs: RunsViewApi;
  /** Runs started from the editor (run form, last values, resume). */
  runFlow: RunFlowApi;
  /** The open UI panels (Open run, Compare runs, Show lineage), oldest first. */
  uiPanels(): UiPanelInfo[];
  /** "Deploy as function": the function panels and their deployments. */
  functions: FunctionsApi;
  /** Time spent in activate(), in milliseconds. */
  activationMillis: number;
}
