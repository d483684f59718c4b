/**
 * The DAG panel: one webview beside the editor that renders the media bundle's DAG view
 * for the active flow document. It forwards only: graphs from the server to the view,
 * cursor moves as highlights, node clicks back as editor selections.
 */
import * as vscode from 'vscode';
import { ContextKeys, DAG_VIEW_TYPE } from '../common/constants';
import { isFlowDocument } from '../common/flowDocuments';
import type { ExportFormat } from '../common/protocol';
import type { RunState } from '../common/runFlowProtocol';
import { DOCUMENT_KEY, DagPanelState, type DagPanelDeps, type DagPanelSnapshot } from './dagPanelState';

export type { DagPanelDeps, DagPanelSnapshot } from './dagPanelState';

export class DagPanel implements vscode.Disposable {
  private current: DagPanelState | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: DagPanelDeps) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.revive(panel),
      }),
      deps.server.onDidChangeFlowGraph(({ uri }) => {
        if (this.current?.document.toString() === uri.toString()) {
          void this.current.refresh();
        }
      }),
      deps.server.onDidChangeStatus((status) => {
        if (status.state === 'running') {
          void this.current?.refresh();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isFlowDocument(editor.document)) {
          this.current?.follow(editor);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (this.deps.followCursor()) {
          this.current?.cursorMoved(event.textEditor);
        }
      }),
    );
  }

  /**
   * Opens the panel beside `document` (or shows it there) and highlights `step`. `flow`
   * picks one flow of a file that has several (default: the one shown, else the file's last).
   */
  async createOrShow(
    document: vscode.Uri,
    step: string | null = null,
    column?: vscode.ViewColumn,
    flow?: string,
  ): Promise<void> {
    if (this.current === undefined) {
      const sourceColumn = column ?? vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
      const panel = vscode.window.createWebviewPanel(
        DAG_VIEW_TYPE,
        'Metaflow DAG',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        this.webviewOptions(),
      );
      await this.attach(panel, document, sourceColumn).show(document, step, flow);
      return;
    }
    this.current.panel.reveal(undefined, true);
    await this.current.show(document, step, flow);
  }

  /** The editor column the panel is in, while open (the run form opens next to it). */
  get viewColumn(): vscode.ViewColumn | undefined {
    return this.current?.panel.viewColumn;
  }

  /** Draws a run over the DAG if the panel shows that run's flow. */
  showRunState(state: RunState): void {
    this.current?.showRunState(state);
  }

  snapshot(): DagPanelSnapshot | undefined {
    return this.current?.snapshot();
  }

  /** Asks the view to draw an export; resolves with its SVG text or PNG data: URL. */
  async export(format: ExportFormat): Promise<{ data: string; flow: string | null; document: vscode.Uri }> {
    const state = this.current;
    if (state === undefined) {
      throw new Error('The DAG is not open.');
    }
    const data = await state.requestExport(format);
    return { data, flow: state.snapshot().flow, document: state.document };
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media')],
    };
  }

  private revive(panel: vscode.WebviewPanel): void {
    const saved = this.deps.workspaceState.get<string>(DOCUMENT_KEY);
    const active = vscode.window.activeTextEditor;
    const document = saved ? vscode.Uri.parse(saved) : active && isFlowDocument(active.document) ? active.document.uri : undefined;
    if (document === undefined || this.current !== undefined) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    const state = this.attach(panel, document, vscode.ViewColumn.One);
    // A window reloaded with only the DAG visible still needs the server for its graph.
    void this.deps.server.ensureStarted(document).then(() => state.refresh());
  }

  private attach(panel: vscode.WebviewPanel, document: vscode.Uri, sourceColumn: vscode.ViewColumn): DagPanelState {
    const state = new DagPanelState(panel, document, sourceColumn, this.deps);
    this.current = state;
    void vscode.commands.executeCommand('setContext', ContextKeys.dagPanelOpen, true);
    panel.onDidDispose(() => {
      if (this.current === state) {
        this.current = undefined;
        void vscode.commands.executeCommand('setContext', ContextKeys.dagPanelOpen, false);
      }
      state.dispose();
    });
    return state;
  }

  dispose(): void {
    this.current?.panel.dispose();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
