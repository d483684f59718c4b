/**
 * "Metaflow: Open Run", "Compare Runs" and "Show Lineage": the UI panels (views/uiPanel.ts)
 * opened on a Runs tree item, the tree's selection (several runs for Compare), or a quick
 * pick of recent runs when run from the palette with nothing selected.
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { errorMessage } from '../common/log';
import type { RunInfo } from '../common/runsProtocol';
import type { MetaflowServer } from '../common/server';
import { compareRoute, lineageRoute, runRoute } from '../common/uiProtocol';
import type { RunsTree } from '../views/runsTree';
import { formatTime, pathspecOf, type RunsNode } from '../views/runsTreeItems';
import type { UiPanels } from '../views/uiPanel';
import { requireServer } from './requireServer';

export interface UiCommandDeps {
  server: MetaflowServer;
  tree: RunsTree;
  panels: UiPanels;
}

/** Runs the quick pick offers: the newest of each flow, newest first overall. */
const RUNS_PER_FLOW = 20;
const PICK_MAX = 60;

interface RunPick extends vscode.QuickPickItem {
  run: RunInfo;
  root: string;
}

const STATUS_ICONS: Record<RunInfo['status'], string> = { succeeded: '$(check)', failed: '$(error)', running: '$(loading~spin)' };

function isNode(arg: unknown): arg is RunsNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg;
}

/** The recent runs of every datastore the server sees, as quick pick items. */
async function recentRuns(server: MetaflowServer): Promise<RunPick[]> {
  const { datastores } = await server.request('metaflow/listFlows', {});
  const pages = datastores.flatMap((store) =>
    store.flows.map(async (flow) => {
      const page = await server.request('metaflow/listRuns', { root: store.root, flow, limit: RUNS_PER_FLOW });
      return page.runs.map((run) => ({ run, root: store.root }));
    }),
  );
  const runs = (await Promise.all(pages)).flat();
  runs.sort((a, b) => (b.run.started_at ?? 0) - (a.run.started_at ?? 0));
  const roots = new Set(datastores.map((d) => d.root));
  return runs.slice(0, PICK_MAX).map(({ run, root }) => ({
    label: `${STATUS_ICONS[run.status]} ${run.pathspec}`,
    description: [run.status, run.started_at === null ? '' : formatTime(run.started_at), run.tags.join(', ')].filter((t) => t !== '').join(' · '),
    detail: roots.size > 1 ? root : undefined,
    run,
    root,
  }));
}

async function pickRuns(server: MetaflowServer, many: boolean, chosen: string[] = []): Promise<RunPick[] | undefined> {
  const items = await recentRuns(server);
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Metaflow: no runs yet in the workspace datastore. Run a flow first.');
    return undefined;
  }
  if (!many) {
    const one = await vscode.window.showQuickPick(items, { title: 'Metaflow: Open Run', placeHolder: 'A run to open', matchOnDescription: true });
    return one === undefined ? undefined : [one];
  }
  const quickPick = vscode.window.createQuickPick<RunPick>();
  quickPick.title = 'Metaflow: Compare Runs';
  quickPick.placeholder = 'Two to eight runs of one flow (the first picked is the baseline)';
  quickPick.canSelectMany = true;
  quickPick.matchOnDescription = true;
  quickPick.items = items;
  quickPick.selectedItems = items.filter((i) => chosen.includes(i.run.pathspec));
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      resolve([...quickPick.selectedItems]);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

function guarded(name: string, work: (...args: unknown[]) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(name, async (...args: unknown[]) => {
    try {
      await work(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
    }
  });
}

export function registerUiCommands(deps: UiCommandDeps): vscode.Disposable[] {
  const { server, tree, panels } = deps;

  const openRun = async (arg?: unknown): Promise<void> => {
    const node = isNode(arg) ? arg : tree.view.selection[0];
    if (node?.kind === 'run' || node?.kind === 'step' || node?.kind === 'task') {
      const pathspec = pathspecOf(node) ?? '';
      panels.open(runRoute(pathspec), pathspec, node.root);
      return;
    }
    if (!(await requireServer(server))) return;
    const [picked] = (await pickRuns(server, false)) ?? [];
    if (picked !== undefined) panels.open(runRoute(picked.run.pathspec), picked.run.pathspec, picked.root);
  };

  const compareRuns = async (arg?: unknown, selected?: unknown): Promise<void> => {
    // From the tree: (clicked item, all selected items); from the palette: nothing.
    const nodes = Array.isArray(selected) ? selected.filter(isNode) : isNode(arg) ? [arg] : [...tree.view.selection];
    const runs = nodes.filter((n): n is Extract<RunsNode, { kind: 'run' }> => n.kind === 'run');
    let chosen = runs.map((n) => ({ pathspec: n.run.pathspec, root: n.root }));
    if (chosen.length < 2) {
      if (!(await requireServer(server))) return;
      const picked = await pickRuns(server, true, chosen.map((c) => c.pathspec));
      if (picked === undefined) return;
      chosen = picked.map((p) => ({ pathspec: p.run.pathspec, root: p.root }));
    }
    const roots = new Set(chosen.map((c) => c.root));
    if (roots.size > 1) throw new Error('Compare takes runs of one datastore; the selection spans several.');
    const pathspecs = chosen.map((c) => c.pathspec);
    panels.open(compareRoute(pathspecs), `Compare ${pathspecs.length} runs`, chosen[0]?.root);
  };

  const showLineage = async (arg?: unknown): Promise<void> => {
    const node = isNode(arg) ? arg : tree.view.selection[0];
    if (node?.kind !== 'artifact') {
      void vscode.window.showWarningMessage('Metaflow: select an artifact in the Runs view (expand a task) to show its lineage.');
      return;
    }
    const { pathspec, name } = node.artifact;
    panels.open(lineageRoute(pathspec, name), `Lineage of ${name}`, node.root);
  };

  return [guarded(Commands.openRun, openRun), guarded(Commands.compareRuns, compareRuns), guarded(Commands.showLineage, showLineage)];
}
