/**
 * The debugging commands: "Debug step" (the lens above every step), "Debug Failed Task"
 * (a failed task in the Runs tree) and "Generate launch.json" (readable per-step entries
 * merged into .vscode/launch.json; the user's entries and comments are never touched).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requireServer } from '../commands/requireServer';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import type { RunsTree } from '../views/runsTree';
import type { RunsNode } from '../views/runsTreeItems';
import { mergeLaunchJson } from './launchJson';
import { DEBUG_TYPE, DebugCommands } from './protocol';

export interface DebugCommandDeps {
  server: MetaflowServer;
  tree: RunsTree;
  log: vscode.LogOutputChannel;
}

/** Starts a `metaflow` session; the configuration provider asks the server for the plan. */
function startDebug(uri: vscode.Uri, name: string, fields: Record<string, string>): Thenable<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name, flowFile: uri.fsPath, ...fields });
}

function guarded(name: string, work: (...args: unknown[]) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(name, async (...args: unknown[]) => {
    try {
      return await work(...args);
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
      return undefined;
    }
  });
}

async function debugFailedTask(deps: DebugCommandDeps, arg: unknown): Promise<unknown> {
  const node = (typeof arg === 'object' && arg !== null && 'kind' in arg ? arg : deps.tree.view.selection[0]) as RunsNode | undefined;
  if (node?.kind !== 'task') {
    void vscode.window.showWarningMessage('Metaflow: select a task in the Runs view to debug it.');
    return undefined;
  }
  const [flow, , step] = node.task.pathspec.split('/');
  if (flow === undefined || step === undefined || !(await requireServer(deps.server))) {
    return undefined;
  }
  const found = await deps.server.request('metaflow/findFlow', { flow, step });
  if (found === null) {
    void vscode.window.showWarningMessage(`Metaflow: no file in the workspace defines class ${flow}(FlowSpec), so ${node.task.pathspec} cannot be re-run.`);
    return undefined;
  }
  return startDebug(vscode.Uri.parse(found.uri, true), `${flow}: debug ${node.task.pathspec}`, { flow, step, task: node.task.pathspec, mode: 'spin' });
}

/** `${workspaceFolder}/rel/path.py` when the file is in a workspace folder, else its path. */
function writtenPath(uri: vscode.Uri, folder: vscode.WorkspaceFolder | undefined): string {
  if (folder === undefined) {
    return uri.fsPath;
  }
  return `\${workspaceFolder}/${path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/')}`;
}

async function generateLaunchJson(deps: DebugCommandDeps, arg: unknown): Promise<unknown> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (uri === undefined || uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Metaflow: open the flow file to generate launch.json entries for.');
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder === undefined) {
    void vscode.window.showWarningMessage('Metaflow: the flow file is not in a workspace folder, so there is no .vscode/launch.json to write.');
    return undefined;
  }
  if (!(await requireServer(deps.server, uri))) {
    return undefined;
  }
  const { configurations } = await deps.server.request('metaflow/launchConfigurations', { uri: uri.toString(), flow_file: writtenPath(uri, folder) });
  const target = vscode.Uri.joinPath(folder.uri, '.vscode', 'launch.json');
  // Through the document, so unsaved edits of an open launch.json are merged, not lost.
  const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
  if (!exists) {
    await vscode.workspace.fs.writeFile(target, new Uint8Array());
  }
  const document = await vscode.workspace.openTextDocument(target);
  const merged = mergeLaunchJson(document.getText(), configurations);
  if (merged.text !== document.getText()) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(target, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), merged.text);
    await vscode.workspace.applyEdit(edit);
    await document.save();
  }
  await vscode.window.showTextDocument(document, { preview: false });
  const kept = merged.kept.length > 0 ? `; kept your ${merged.kept.length} existing one(s) of the same name` : '';
  deps.log.info(`launch.json: added ${merged.added.join(', ') || 'nothing'}${kept}.`);
  void vscode.window.showInformationMessage(`Metaflow: added ${merged.added.length} configuration(s) to .vscode/launch.json${kept}.`);
  return merged;
}

export function registerDebugCommands(deps: DebugCommandDeps): vscode.Disposable[] {
  return [
    guarded(DebugCommands.debugStep, async (uri?: unknown, step?: unknown, flow?: unknown) => {
      if (typeof uri !== 'string' || typeof step !== 'string') {
        void vscode.window.showWarningMessage('Metaflow: use the "Debug step" lens above a step.');
        return undefined;
      }
      const fields: Record<string, string> = { step, mode: 'spin' };
      if (typeof flow === 'string') {
        fields.flow = flow;
      }
      return startDebug(vscode.Uri.parse(uri, true), `${typeof flow === 'string' ? flow : 'Metaflow'}: debug step ${step}`, fields);
    }),
    guarded(DebugCommands.debugFailedTask, (arg) => debugFailedTask(deps, arg)),
    guarded(DebugCommands.generateLaunchJson, (arg) => generateLaunchJson(deps, arg)),
  ];
}
