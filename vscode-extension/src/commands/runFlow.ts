/**
 * Run commands: "Run Flow…" (the form; also the code lens above each flow), "Run Flow (last
 * values)", and "Resume from Failed Step" on a failed run of the Runs view.
 */
import * as vscode from 'vscode';
import { isFlowDocument } from '../common/flowDocuments';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import type { RunSessions } from '../runs/runSessions';
import type { RunFormPanel } from '../views/runFormPanel';
import type { RunsNode } from '../views/runsTreeItems';

export const RunFlowCommands = {
  runFlow: 'metaflow.runFlow',
  runFlowLast: 'metaflow.runFlowLast',
  resumeRun: 'metaflow.runs.resume',
} as const;

export interface RunFlowCommandDeps {
  server: MetaflowServer;
  form: RunFormPanel;
  sessions: RunSessions;
  /** The Runs view's selection, for the palette. */
  selection(): readonly RunsNode[];
}

/** The flow document a command acts on: its argument (code lens), else the active editor. */
function flowDocument(arg: unknown): vscode.Uri | undefined {
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  if (arg instanceof vscode.Uri) return arg;
  const editor = vscode.window.activeTextEditor;
  return editor && isFlowDocument(editor.document) ? editor.document.uri : undefined;
}

function noFlow(): void {
  void vscode.window.showWarningMessage('Metaflow: open a Python file that defines a FlowSpec to run it.');
}

function guarded<A extends unknown[]>(name: string, work: (...args: A) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(name, async (...args: A) => {
    try {
      await work(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
    }
  });
}

export function registerRunFlowCommands(deps: RunFlowCommandDeps): vscode.Disposable[] {
  return [
    guarded(RunFlowCommands.runFlow, async (uri?: unknown, flow?: unknown) => {
      const document = flowDocument(uri);
      if (document === undefined) return noFlow();
      await deps.form.open(document, typeof flow === 'string' ? flow : '');
    }),
    guarded(RunFlowCommands.runFlowLast, async (uri?: unknown, flow?: unknown) => {
      const document = flowDocument(uri);
      if (document === undefined) return noFlow();
      await deps.server.ensureStarted(document);
      const name = typeof flow === 'string' ? flow : (await deps.server.runFlow('metaflow/runForm', { uri: document.toString() })).flow;
      await deps.form.launchLast(document, name);
    }),
    guarded(RunFlowCommands.resumeRun, async (arg?: unknown) => {
      const node = (typeof arg === 'object' && arg !== null && 'kind' in arg ? arg : deps.selection()[0]) as RunsNode | undefined;
      if (node?.kind !== 'run') {
        void vscode.window.showWarningMessage('Metaflow: select a failed run in the Runs view to resume it.');
        return;
      }
      const found = await deps.server.request('metaflow/findFlow', { flow: node.run.flow });
      if (found === null) {
        void vscode.window.showErrorMessage(`Metaflow: no file of this workspace defines ${node.run.flow}, so it cannot be resumed here.`);
        return;
      }
      await deps.sessions.resume(vscode.Uri.parse(found.uri), node.run.pathspec);
    }),
  ];
}
