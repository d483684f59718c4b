/**
 * The Runs tree (view `metaflow.runs` in the Metaflow activity-bar container): flows ->
 * runs -> steps -> tasks -> artifacts -> preview lines, each level one run request to the
 * language server. It renders and forwards: no Metaflow knowledge beyond the payloads.
 *
 * - Paging: a flow shows one page of runs and a "Load more runs…" item carrying the cursor.
 * - Filter (status, since, tag): kept in workspace state, shown as the view's description.
 * - Refreshes by itself: file watchers on each datastore (new run folders, attempts
 *   starting, `N.runtime` status files appearing), debounced; and a refresh button.
 * - Errors become an item where the user is looking; loads show the view's progress bar.
 */
import * as vscode from 'vscode';
import { ContextKeys, RUNS_VIEW_ID } from '../common/constants';
import { errorMessage } from '../common/log';
import type { RunInfo, RunsSource } from '../common/runsProtocol';
import type { MetaflowServer } from '../common/server';
import { settled } from '../commands/requireServer';
import { describeFilter, filterParams, isFiltered, normaliseFilter, type RunFilter } from './runFilter';
import { itemSpec, nodeId, previewLines, type ItemSpec, type RunsNode } from './runsTreeItems';

export const RUNS_PAGE_SIZE = 20;
const FILTER_KEY = 'metaflow.runs.filter';
const REFRESH_DEBOUNCE_MS = 1000;
/** What a datastore change looks like on disk: a run folder, an attempt starting or ending. */
const WATCHED = ['.metaflow/*/*', '.metaflow/*/*/*/*/*.{runtime,attempt.json}'];

export interface RunsTreeDeps {
  server: MetaflowServer;
  state: vscode.Memento;
  log: vscode.LogOutputChannel;
}

interface LoadedRuns {
  runs: RunInfo[];
  cursor: string | null;
}

export class RunsTree implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  readonly view: vscode.TreeView<RunsNode>;
  private filterValue: RunFilter;
  /** Runs shown per flow node id (first page plus what "Load more" added). */
  private readonly loaded = new Map<string, LoadedRuns>();
  /** The nodes last handed to VS Code, by id: change events must carry those objects. */
  private readonly nodes = new Map<string, RunsNode>();
  private readonly watchers = new Map<string, vscode.Disposable[]>();
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly deps: RunsTreeDeps) {
    this.filterValue = normaliseFilter(deps.state.get(FILTER_KEY));
    this.view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true, canSelectMany: true });
    this.showFilter();
    this.disposables.push(
      this.view,
      this.changed,
      deps.server.onDidChangeStatus((status) => {
        if (status.state === 'running' || status.state === 'error') {
          this.refresh();
        }
      }),
    );
  }

  get filter(): RunFilter {
    return this.filterValue;
  }

  async setFilter(filter: RunFilter): Promise<void> {
    this.filterValue = normaliseFilter(filter);
    await this.deps.state.update(FILTER_KEY, this.filterValue);
    this.showFilter();
    this.refresh();
  }

  /** Forgets loaded pages and asks VS Code to re-read the tree (expanded nodes stay open). */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.loaded.clear();
    this.changed.fire(undefined);
  }

  /** A datastore changed on disk: refresh once things settle. */
  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** The "Load more runs…" item: the next, older page of that flow. */
  async loadMore(node: Extract<RunsNode, { kind: 'loadMore' }>): Promise<void> {
    const flowId = nodeId({ kind: 'flow', root: node.root, flow: node.flow, showRoot: false });
    const shown = this.loaded.get(flowId);
    if (shown === undefined || shown.cursor !== node.cursor) {
      return; // a refresh happened meanwhile: the page is already fresh
    }
    try {
      const page = await this.withProgress(() =>
        this.deps.server.request('metaflow/listRuns', { root: node.root, flow: node.flow, limit: RUNS_PAGE_SIZE, cursor: node.cursor, ...this.filterNow() }),
      );
      shown.runs.push(...page.runs);
      shown.cursor = page.next_cursor;
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: could not load more runs of ${node.flow}: ${errorMessage(error)}`);
    }
    this.changed.fire(this.nodes.get(flowId));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    return toTreeItem(itemSpec(node));
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    let children: RunsNode[];
    try {
      children = await this.withProgress(() => this.load(node));
    } catch (error) {
      const parentId = node ? nodeId(node) : 'root';
      this.deps.log.warn(`Runs view: ${errorMessage(error)}`);
      children = [{ kind: 'message', parentId, text: errorMessage(error), severity: 'error' }];
    }
    for (const child of children) {
      this.nodes.set(nodeId(child), child);
    }
    return children;
  }

  /** The children of the node with `id` (undefined: the top level) as they look: for tests. */
  async describe(id?: string): Promise<ItemSpec[]> {
    const node = id === undefined ? undefined : this.nodes.get(id);
    if (id !== undefined && node === undefined) {
      throw new Error(`No node ${id} has been shown in the Runs view yet.`);
    }
    return (await this.getChildren(node)).map(itemSpec);
  }

  /** The node with `id`, as last shown. */
  node(id: string): RunsNode | undefined {
    return this.nodes.get(id);
  }

  private async load(node: RunsNode | undefined): Promise<RunsNode[]> {
    if (node === undefined) {
      return this.loadFlows();
    }
    const source: RunsSource = this.deps.server;
    const root = 'root' in node ? node.root : undefined;
    switch (node.kind) {
      case 'flow':
        return this.loadRuns(node);
      case 'run': {
        const summary = await source.request('metaflow/runSummary', { root, run: node.run.pathspec });
        return summary.steps.map((step) => ({ kind: 'step', root: node.root, run: node.run.pathspec, step }));
      }
      case 'step': {
        const listing = await source.request('metaflow/tasks', { root, step: `${node.run}/${node.step.name}` });
        const tasks: RunsNode[] = listing.tasks.map((task) => ({ kind: 'task', root: node.root, task }));
        if (listing.truncated) {
          tasks.push(this.message(node, `Showing ${listing.tasks.length} of the step's tasks (failed first).`, 'info'));
        }
        return tasks;
      }
      case 'task': {
        const list = await source.request('metaflow/artifacts', { root, scope: node.task.pathspec });
        const artifacts: RunsNode[] = list.artifacts.map((artifact) => ({ kind: 'artifact', root: node.root, artifact }));
        return artifacts.length > 0 ? artifacts : [this.message(node, 'No artifacts (yet).', 'info')];
      }
      case 'artifact': {
        const preview = await source.request('metaflow/artifactValue', { root, task: node.artifact.pathspec, name: node.artifact.name });
        const parentId = nodeId(node);
        return previewLines(preview).map((text, index) => ({ kind: 'preview', parentId, index, text }));
      }
      default:
        return [];
    }
  }

  private async loadFlows(): Promise<RunsNode[]> {
    const server = this.deps.server;
    if (server.status.state === 'stopped' && server.status.reason === undefined) {
      await server.ensureStarted(); // the view is a reason to start it, like a flow document
    }
    const status = await settled(server);
    if (status.state !== 'running') {
      const why = status.reason ?? `it is ${status.state}`;
      return [this.message(undefined, `The Metaflow language server is not running: ${why}`, 'error')];
    }
    const { datastores } = await server.request('metaflow/listFlows', {});
    this.watch(datastores.map((d) => d.root));
    if (datastores.length === 0) {
      return [
        this.message(
          undefined,
          'No runs yet: no .metaflow folder in the workspace. Run a flow, or set metaflow.datastoreRoot.',
          'info',
        ),
      ];
    }
    const showRoot = datastores.length > 1;
    const nodes: RunsNode[] = [];
    for (const datastore of datastores) {
      if (datastore.error !== null) {
        nodes.push(this.message(undefined, `${datastore.root}: ${datastore.error}`, 'error'));
      }
      nodes.push(...datastore.flows.map((flow): RunsNode => ({ kind: 'flow', root: datastore.root, flow, showRoot })));
    }
    return nodes;
  }

  private async loadRuns(node: Extract<RunsNode, { kind: 'flow' }>): Promise<RunsNode[]> {
    const id = nodeId(node);
    let shown = this.loaded.get(id);
    if (shown === undefined) {
      const page = await this.deps.server.request('metaflow/listRuns', {
        root: node.root,
        flow: node.flow,
        limit: RUNS_PAGE_SIZE,
        ...this.filterNow(),
      });
      shown = { runs: page.runs, cursor: page.next_cursor };
      this.loaded.set(id, shown);
    }
    const nodes: RunsNode[] = shown.runs.map((run) => ({ kind: 'run', root: node.root, run }));
    if (shown.cursor !== null) {
      nodes.push({ kind: 'loadMore', root: node.root, flow: node.flow, cursor: shown.cursor });
    }
    if (nodes.length === 0) {
      const text = isFiltered(this.filterValue) ? `No runs match the filter (${describeFilter(this.filterValue)}).` : 'No runs.';
      nodes.push(this.message(node, text, 'info'));
    }
    return nodes;
  }

  private filterNow(): ReturnType<typeof filterParams> {
    return filterParams(this.filterValue, Date.now());
  }

  private message(parent: RunsNode | undefined, text: string, severity: 'info' | 'warning' | 'error'): RunsNode {
    return { kind: 'message', parentId: parent ? nodeId(parent) : 'root', text, severity };
  }

  private withProgress<T>(work: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: RUNS_VIEW_ID } }, work));
  }

  private showFilter(): void {
    const filtered = isFiltered(this.filterValue);
    this.view.description = filtered ? `filter: ${describeFilter(this.filterValue)}` : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.runsFiltered, filtered);
  }

  /** One pair of watchers per datastore root, kept until the root disappears. */
  private watch(roots: string[]): void {
    for (const [root, watchers] of this.watchers) {
      if (!roots.includes(root)) {
        watchers.forEach((w) => w.dispose());
        this.watchers.delete(root);
      }
    }
    for (const root of roots) {
      if (this.watchers.has(root)) {
        continue;
      }
      const disposables = WATCHED.flatMap((glob) => {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), glob), false, false, true);
        return [watcher, watcher.onDidCreate(() => this.scheduleRefresh()), watcher.onDidChange(() => this.scheduleRefresh())];
      });
      this.watchers.set(root, disposables);
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const watchers of this.watchers.values()) {
      watchers.forEach((w) => w.dispose());
    }
    this.watchers.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}

function toTreeItem(spec: ItemSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(
    spec.label,
    spec.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = spec.id;
  item.description = spec.description;
  item.tooltip = spec.tooltip;
  item.contextValue = spec.contextValue;
  if (spec.icon !== undefined) {
    item.iconPath = new vscode.ThemeIcon(spec.icon.id, spec.icon.color ? new vscode.ThemeColor(spec.icon.color) : undefined);
  }
  if (spec.command !== undefined) {
    item.command = spec.command;
  }
  return item;
}
