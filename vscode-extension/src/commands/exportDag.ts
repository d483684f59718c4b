/**
 * `metaflow.exportDag`: asks the open DAG view for an SVG or PNG and saves it. Arguments
 * `(format?, target?)` skip the pickers (scripts and tests). The view's own toolbar
 * buttons end in the same save step (saveDagExport).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { errorMessage, type Log } from '../common/log';
import type { ExportFormat } from '../common/protocol';
import type { DagPanel } from '../views/dagPanel';
import { exportBytes } from '../views/viewMessages';

export interface DagExport {
  format: ExportFormat;
  /** SVG text or a PNG data: URL, as the view produced it. */
  data: string;
  flow: string | null;
  document: vscode.Uri;
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const items: (vscode.QuickPickItem & { format: ExportFormat })[] = [
    { label: 'SVG', description: 'scalable vector drawing', format: 'svg' },
    { label: 'PNG', description: 'bitmap image', format: 'png' },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'Export the DAG as' }))?.format;
}

/** Writes an export to `target`, or where a save dialog says; returns the file written. */
export async function saveDagExport(exported: DagExport, log: Log, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const { format, flow, document } = exported;
  try {
    const bytes = exportBytes(format, exported.data);
    let file = target;
    if (file === undefined) {
      const folder = document.scheme === 'file' ? path.dirname(document.fsPath) : undefined;
      const name = `${flow ?? 'flow'}.${format}`;
      file = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.file(path.join(folder, name)) : undefined,
        filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
        title: 'Export the DAG',
      });
      if (file === undefined) {
        return undefined;
      }
    }
    await vscode.workspace.fs.writeFile(file, bytes);
    log.info(`Exported the DAG of ${flow ?? '?'} to ${file.toString()} (${bytes.length} bytes).`);
    if (target === undefined) {
      void vscode.window.showInformationMessage(`Metaflow: saved the DAG to ${file.fsPath}.`);
    }
    return file;
  } catch (error) {
    log.error(`Exporting the DAG failed: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`Metaflow: exporting the DAG failed: ${errorMessage(error)}`);
    return undefined;
  }
}

export function registerExportDag(dag: DagPanel, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(
    Commands.exportDag,
    async (formatArg?: unknown, targetArg?: unknown): Promise<vscode.Uri | undefined> => {
      if (dag.snapshot() === undefined) {
        const show = 'Show DAG';
        const choice = await vscode.window.showWarningMessage('Metaflow: open the DAG before exporting it.', show);
        if (choice === show) {
          await vscode.commands.executeCommand(Commands.showDag);
        }
        return undefined;
      }
      const format = formatArg === 'svg' || formatArg === 'png' ? formatArg : await pickFormat();
      if (format === undefined) {
        return undefined;
      }
      try {
        const exported = await dag.export(format);
        return await saveDagExport({ format, ...exported }, log, targetArg instanceof vscode.Uri ? targetArg : undefined);
      } catch (error) {
        log.error(`Exporting the DAG failed: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`Metaflow: exporting the DAG failed: ${errorMessage(error)}`);
        return undefined;
      }
    },
  );
}
