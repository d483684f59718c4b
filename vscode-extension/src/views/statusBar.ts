/**
 * The status bar item: server starting (spinner), ready (the active editor's flow), or
 * failed (red, the reason in the tooltip, a click opens the log).
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../common/constants';
import { isFlowDocument } from '../common/flowDocuments';
import { describeInterpreter } from '../common/interpreter';
import { errorMessage, type Log } from '../common/log';
import type { MetaflowServer, ServerStatus } from '../common/server';

const FLOW_NAME_DEBOUNCE_MS = 100;

export class ServerStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private flowLabel: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: MetaflowServer,
    private readonly log: Log,
  ) {
    this.item = vscode.window.createStatusBarItem('metaflow.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Metaflow Studio';
    this.disposables.push(
      this.item,
      server.onDidChangeStatus((status) => {
        void vscode.commands.executeCommand('setContext', ContextKeys.serverRunning, status.state === 'running');
        this.render(status);
        this.scheduleFlowName();
      }),
      server.onDidChangeFlowGraph(({ uri }) => {
        if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) {
          this.scheduleFlowName();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleFlowName()),
    );
    this.render(server.status);
  }

  private scheduleFlowName(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.updateFlowName(), FLOW_NAME_DEBOUNCE_MS);
  }

  private async updateFlowName(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    let label: string | undefined;
    if (editor !== undefined && this.server.isRunning && isFlowDocument(editor.document)) {
      try {
        const graph = await this.server.flowGraph(editor.document.uri);
        const others = graph.flows.length - 1;
        label = graph.flow === null ? undefined : others > 0 ? `${graph.flow} +${others}` : graph.flow;
      } catch (error) {
        this.log.debug(`Status bar: no flow name for ${editor.document.uri.toString()}: ${errorMessage(error)}`);
      }
    }
    if (label !== this.flowLabel) {
      this.flowLabel = label;
      this.render(this.server.status);
    }
  }

  private render(status: ServerStatus): void {
    const item = this.item;
    item.backgroundColor = undefined;
    const interpreter = status.interpreter ? `\n\nInterpreter: ${describeInterpreter(status.interpreter)}` : '';
    switch (status.state) {
      case 'stopped':
        if (status.reason === undefined) {
          item.hide();
          return;
        }
        item.text = '$(circle-slash) Metaflow';
        item.tooltip = `Metaflow language server: ${status.reason}`;
        item.command = Commands.showOutput;
        break;
      case 'starting':
        item.text = '$(loading~spin) Metaflow';
        item.tooltip = `Starting the Metaflow language server…${interpreter}`;
        item.command = Commands.showOutput;
        break;
      case 'running':
        item.text = this.flowLabel ? `$(type-hierarchy) ${this.flowLabel}` : '$(check) Metaflow';
        item.tooltip = `Metaflow language server ready. Click to show the DAG.${interpreter}`;
        item.command = Commands.showDag;
        break;
      case 'error':
        item.text = '$(error) Metaflow';
        item.tooltip = `${status.reason ?? 'The Metaflow language server failed.'}${interpreter}\n\nClick to show the log.`;
        item.command = Commands.showOutput;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
    item.accessibilityInformation = { label: `Metaflow: ${status.state}${this.flowLabel ? `, ${this.flowLabel}` : ''}` };
    item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
