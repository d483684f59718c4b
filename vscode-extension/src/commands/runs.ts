/**
 * Commands on the Runs tree's items (context menus and inline buttons; from the palette
 * they act on the selected item): logs, follow, failure, copy pathspec, reveal the step in
 * its flow file or in the DAG, show the task's cards; and the view's refresh and paging.
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { errorMessage } from '../common/log';
import type { LogStream } from '../common/runsProtocol';
import type { MetaflowServer } from '../common/server';
import type { CardPanel } from '../views/cardPanel';
import type { DagPanel } from '../views/dagPanel';
import type { FailureDocuments } from '../views/failureDocuments';
import type { LogDocuments } from '../views/logDocuments';
import type { RunsTree } from '../views/runsTree';
import { pathspecOf, type RunsNode } from '../views/runsTreeItems';
import { requireServer } from './requireServer';

export interface RunsCommandDeps {
  server: MetaflowServer;
  tree: RunsTree;
  logs: LogDocuments;
  failures: FailureDocuments;
  cards: CardPanel;
  dag: DagPanel;
}

type TaskNode = Extract<RunsNode, { kind: 'task' }>;

/** The node a command acts on: its argument (menus) or the view's selection (palette). */
function target(deps: RunsCommandDeps, arg: unknown): RunsNode | undefined {
  if (typeof arg === 'object' && arg !== null && 'kind' in arg) {
    return arg as RunsNode;
  }
  return deps.tree.view.selection[0];
}

function taskTarget(deps: RunsCommandDeps, arg: unknown, what: string): TaskNode | undefined {
  const node = target(deps, arg);
  if (node?.kind !== 'task') {
    void vscode.window.showWarningMessage(`Metaflow: select a task in the Runs view to ${what}.`);
    return undefined;
  }
  return node;
}

/** The flow and step a node belongs to, read from its pathspec (Flow/run/step/task). */
function flowAndStep(node: RunsNode): { flow: string; step?: string } | undefined {
  const pathspec = pathspecOf(node);
  if (pathspec === undefined) {
    return undefined;
  }
  const [flow, , step] = pathspec.split('/');
  return flow === undefined ? undefined : { flow, step };
}

async function findFlow(deps: RunsCommandDeps, arg: unknown): Promise<{ uri: vscode.Uri; range: vscode.Range; flow: string; step?: string } | undefined> {
  const node = target(deps, arg);
  const where = node && flowAndStep(node);
  if (where === undefined) {
    void vscode.window.showWarningMessage('Metaflow: select a flow, run, step or task in the Runs view.');
    return undefined;
  }
  if (!(await requireServer(deps.server))) {
    return undefined;
  }
  const found = await deps.server.request('metaflow/findFlow', where.step !== undefined ? { flow: where.flow, step: where.step } : { flow: where.flow });
  if (found === null) {
    void vscode.window.showWarningMessage(`Metaflow: no file in the workspace defines class ${where.flow}(FlowSpec).`);
    return undefined;
  }
  const { start, end } = found.range;
  return {
    uri: vscode.Uri.parse(found.uri, true),
    range: new vscode.Range(start.line, start.character, end.line, end.character),
    ...where,
  };
}

function guarded(name: string, work: (arg: unknown) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(name, async (arg?: unknown) => {
    try {
      await work(arg);
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
    }
  });
}

function openLogs(deps: RunsCommandDeps, arg: unknown, stream: LogStream, follow: boolean): Promise<unknown> {
  const node = taskTarget(deps, arg, 'open its logs');
  return node ? deps.logs.open({ task: node.task.pathspec, stream, root: node.root }, follow) : Promise.resolve();
}

export function registerRunsCommands(deps: RunsCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.refreshRuns, () => deps.tree.refresh()),
    vscode.commands.registerCommand(Commands.loadMoreRuns, (node: RunsNode) => (node?.kind === 'loadMore' ? deps.tree.loadMore(node) : undefined)),
    guarded(Commands.openStdout, (arg) => openLogs(deps, arg, 'stdout', false)),
    guarded(Commands.openStderr, (arg) => openLogs(deps, arg, 'stderr', false)),
    guarded(Commands.followLogs, (arg) => openLogs(deps, arg, 'stdout', true)),
    guarded(Commands.showFailure, async (arg) => {
      const node = target(deps, arg);
      if (node?.kind === 'task' || node?.kind === 'run') {
        return deps.failures.open(pathspecOf(node) ?? '', node.root);
      }
      void vscode.window.showWarningMessage('Metaflow: select a failed run or task in the Runs view.');
      return undefined;
    }),
    guarded(Commands.copyPathspec, async (arg) => {
      const node = target(deps, arg);
      const pathspec = node && pathspecOf(node);
      if (pathspec !== undefined) {
        await vscode.env.clipboard.writeText(pathspec);
        vscode.window.setStatusBarMessage(`Copied ${pathspec}`, 3000);
      }
    }),
    guarded(Commands.revealStep, async (arg) => {
      const found = await findFlow(deps, arg);
      if (found !== undefined) {
        const editor = await vscode.window.showTextDocument(found.uri, { selection: found.range, preview: false });
        editor.revealRange(found.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }),
    guarded(Commands.showStepInDag, async (arg) => {
      const found = await findFlow(deps, arg);
      if (found !== undefined) {
        await deps.dag.createOrShow(found.uri, found.step ?? null, undefined, found.flow);
      }
    }),
    guarded(Commands.showCard, async (arg) => {
      const node = taskTarget(deps, arg, 'show its cards');
      if (node === undefined) {
        return;
      }
      const list = await deps.server.request('metaflow/cards', { root: node.root, task: node.task.pathspec });
      if (list.cards.length === 0) {
        void vscode.window.showInformationMessage(`Metaflow: ${node.task.pathspec} has no card. Add @card to the step to get one.`);
        return;
      }
      deps.cards.show(list);
    }),
  ];
}
