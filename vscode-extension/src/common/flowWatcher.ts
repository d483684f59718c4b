/**
 * Calls back once, for the first Python document that mentions FlowSpec (or defines a
 * `@json_function`) and is open,
 * visible or typed into: that is when the language server is worth starting.
 */
import * as vscode from 'vscode';
import { startsServer } from './flowDocuments';

export function onFirstFlowDocument(callback: (document: vscode.TextDocument) => void): vscode.Disposable {
  let fired = false;
  const subscriptions: vscode.Disposable[] = [];
  const dispose = (): void => {
    for (const subscription of subscriptions.splice(0)) {
      subscription.dispose();
    }
  };
  const consider = (document: vscode.TextDocument): void => {
    if (!fired && startsServer(document)) {
      fired = true;
      dispose();
      callback(document);
    }
  };
  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => consider(e.document))),
    vscode.workspace.onDidChangeTextDocument((event) => consider(event.document)),
  );
  const initial = [
    ...vscode.window.visibleTextEditors.map((e) => e.document),
    ...vscode.workspace.textDocuments,
  ];
  initial.forEach(consider);
  return { dispose };
}
