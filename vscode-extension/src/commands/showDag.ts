/**
 * `metaflow.showDag`: from the palette (active editor), the editor title (its resource) or
 * the server's code lens (arguments `[uri, step | null, flow?]`; `flow` chooses among
 * several flows of one file).
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { isFlowDocument } from '../common/flowDocuments';
import type { MetaflowServer } from '../common/server';
import type { DagPanel } from '../views/dagPanel';
import { requireServer } from './requireServer';

function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  if (typeof value === 'string' && value !== '') {
    return vscode.Uri.parse(value, true);
  }
  return undefined;
}

export function registerShowDag(server: MetaflowServer, dag: DagPanel): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showDag, async (uriArg?: unknown, stepArg?: unknown, flowArg?: unknown) => {
    const active = vscode.window.activeTextEditor;
    const shown = dag.snapshot()?.document;
    const document =
      toUri(uriArg) ??
      (active && isFlowDocument(active.document) ? active.document.uri : undefined) ??
      (shown !== undefined ? vscode.Uri.parse(shown) : undefined);
    if (document === undefined) {
      void vscode.window.showWarningMessage(
        'Metaflow: open a Python file that defines a FlowSpec, then run "Metaflow: Show DAG".',
      );
      return;
    }
    if (!(await requireServer(server, document))) {
      return;
    }
    const step = typeof stepArg === 'string' ? stepArg : null;
    const column = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === document.toString(),
    )?.viewColumn;
    const flow = typeof flowArg === 'string' && flowArg !== '' ? flowArg : undefined;
    await dag.createOrShow(document, step, column, flow);
  });
}
