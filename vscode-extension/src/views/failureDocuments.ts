/**
 * "Show failure": exception, traceback and stderr tail of a run's failed tasks (or one
 * task's) as a read-only virtual document (`metaflow-failure:/Flow/run[/step/task].failure
 * ?root=...`), with each `File "...", line N` of a traceback a link to that source line.
 */
import * as vscode from 'vscode';
import { FAILURE_SCHEME } from '../common/constants';
import { errorMessage } from '../common/log';
import type { RunsSource } from '../common/runsProtocol';
import { failurePath, formatFailures, parseFailurePath, sourceLinks } from './runsText';

export function failureUri(pathspec: string, root: string | undefined): vscode.Uri {
  const query = root !== undefined ? new URLSearchParams({ root }).toString() : '';
  return vscode.Uri.from({ scheme: FAILURE_SCHEME, path: failurePath(pathspec), query });
}

export class FailureDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly source: RunsSource) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(FAILURE_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: FAILURE_SCHEME }, this),
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const pathspec = parseFailurePath(uri.path);
    if (pathspec === undefined) {
      return `# ${uri.toString()} is not a Metaflow failure address.\n`;
    }
    const parts = pathspec.split('/');
    const run = parts.slice(0, 2).join('/');
    const task = parts.length === 4 ? pathspec : undefined;
    const root = new URLSearchParams(uri.query).get('root') ?? undefined;
    try {
      const report = await this.source.request('metaflow/failures', { root, run });
      return formatFailures(report, task);
    } catch (error) {
      return `# Could not read the failures of ${run}: ${errorMessage(error)}\n`;
    }
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    return sourceLinks(document.getText()).map((link) => {
      const target = vscode.Uri.file(link.file).with({ fragment: `L${link.fileLine}` });
      const documentLink = new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.end), target);
      documentLink.tooltip = `Open ${link.file} at line ${link.fileLine}`;
      return documentLink;
    });
  }

  async open(pathspec: string, root: string | undefined): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(failureUri(pathspec, root));
    return vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
