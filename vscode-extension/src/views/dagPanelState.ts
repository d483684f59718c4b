/**
 * One open DAG panel: the document it shows, its last graph, and the conversation with its
 * webview (graph and highlight out; ready, revealStep, exported, rendered, error in).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/log';
import type { ExportFormat, FlowGraph, HostToView, ViewToHost } from '../common/protocol';
import type { RunState } from '../common/runFlowProtocol';
import type { MetaflowServer } from '../common/server';
import { buildDagHtml, createNonce } from './dagHtml';
import { hasStep, stepAtLine, toEditorRange } from './steps';
import { parseViewMessage } from './viewMessages';

/** workspaceState key of the shown document, for reviving the panel after a reload. */
export const DOCUMENT_KEY = 'metaflow.dag.document';
const EXPORT_TIMEOUT_MS = 15_000;

export interface DagPanelDeps {
  extensionUri: vscode.Uri;
  server: MetaflowServer;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  followCursor(): boolean;
  /** The user exported from the view's own toolbar: save what it produced. */
  saveExport(format: ExportFormat, data: string, flow: string | null, document: vscode.Uri): void;
  /** The panel now shows `flow` of `document` (runs/dagRunWatch.ts watches its newest run). */
  flowShown?(document: vscode.Uri, flow: string | null): void;
}

/** What in-host tests read about the panel. */
export interface DagPanelSnapshot {
  flow: string | null;
  document: string;
  lastRendered?: { nodes: number; millis: number };
  highlighted: string | null;
  /** The run drawn over the graph, if any. */
  run?: { run: string; status: string } | null;
}

/** One open panel: its document, its last graph, and the conversation with its view. */
export class DagPanelState implements vscode.Disposable {
  private flow: string | null = null;
  private graph: FlowGraph | undefined;
  private viewReady = false;
  private highlighted: string | null = null;
  private runState: RunState | null = null;
  private lastRendered: { nodes: number; millis: number } | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private exportWaiter: { format: ExportFormat; resolve(data: string): void } | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    public document: vscode.Uri,
    private sourceColumn: vscode.ViewColumn,
    private readonly deps: DagPanelDeps,
  ) {
    this.setHtml();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is unloaded (no retainContextWhenHidden); it says `ready` again.
        if (!panel.visible) {
          this.viewReady = false;
        }
      }),
    );
    void deps.workspaceState.update(DOCUMENT_KEY, document.toString());
  }

  snapshot(): DagPanelSnapshot {
    return {
      flow: this.graph?.flow ?? null,
      document: this.document.toString(),
      lastRendered: this.lastRendered,
      highlighted: this.highlighted,
      run: this.runState === null ? null : { run: this.runState.run, status: this.runState.status },
    };
  }

  async show(document: vscode.Uri, step: string | null, flow?: string): Promise<void> {
    if (document.toString() !== this.document.toString()) {
      this.switchTo(document);
    }
    if (flow !== undefined) {
      this.flow = flow;
    }
    await this.refresh();
    if (step !== null && !hasStep(this.graph, step)) {
      await this.findFlowWith(step);
    }
    if (step !== null) {
      this.highlight(step);
    }
  }

  /** The active editor moved to another flow document: show that one. */
  follow(editor: vscode.TextEditor): void {
    if (editor.document.uri.toString() === this.document.toString()) {
      return;
    }
    this.sourceColumn = editor.viewColumn ?? this.sourceColumn;
    this.switchTo(editor.document.uri);
    void this.refresh();
  }

  cursorMoved(editor: vscode.TextEditor): void {
    if (editor.document.uri.toString() === this.document.toString()) {
      this.highlight(stepAtLine(this.graph, editor.selection.active.line));
    }
  }

  /** Fetches the graph and sends it to the view; calls during a fetch coalesce into one more. */
  refresh(): Promise<void> {
    if (this.inFlight !== undefined) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        await this.fetch();
      } while (this.again);
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  requestExport(format: ExportFormat): Promise<string> {
    if (!this.viewReady || this.graph === undefined) {
      return Promise.reject(new Error('The DAG has not been drawn yet.'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exportWaiter = undefined;
        reject(new Error(`The DAG view did not produce the ${format.toUpperCase()} in time.`));
      }, EXPORT_TIMEOUT_MS);
      this.exportWaiter = {
        format,
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
      };
      this.post({ type: 'export', format });
    });
  }

  private switchTo(document: vscode.Uri): void {
    this.document = document;
    this.flow = null;
    this.graph = undefined;
    this.highlighted = null;
    this.lastRendered = undefined;
    void this.deps.workspaceState.update(DOCUMENT_KEY, document.toString());
  }

  private async fetch(): Promise<void> {
    const document = this.document;
    if (this.disposed || !this.deps.server.isRunning) {
      return;
    }
    try {
      let graph = await this.deps.server.flowGraph(document, this.flow);
      if (graph.flow === null && this.flow !== null) {
        // The flow class was renamed or removed: fall back to the file's own choice.
        this.flow = null;
        graph = await this.deps.server.flowGraph(document, null);
      }
      if (this.disposed || document.toString() !== this.document.toString()) {
        return;
      }
      const changed = this.graph?.flow !== graph.flow;
      this.graph = graph;
      this.flow = graph.flow;
      if (changed) {
        this.runState = null;
        this.deps.flowShown?.(document, graph.flow);
      }
      this.panel.title = `Metaflow DAG: ${graph.flow ?? path.basename(document.path)}`;
      this.post({ type: 'graph', graph });
      this.syncHighlightWithEditor();
    } catch (error) {
      this.deps.log.error(`Could not get the flow graph of ${document.toString()}: ${errorMessage(error)}`);
    }
  }

  /** Tries the file's other flows for one that has `step` (a code lens of a second flow). */
  private async findFlowWith(step: string): Promise<void> {
    for (const flow of this.graph?.flows ?? []) {
      if (flow === this.graph?.flow) {
        continue;
      }
      const graph = await this.deps.server.flowGraph(this.document, flow);
      if (hasStep(graph, step)) {
        this.flow = flow;
        await this.refresh();
        return;
      }
    }
  }

  private syncHighlightWithEditor(): void {
    const editor = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.toString() === this.document.toString(),
    );
    if (editor !== undefined && this.deps.followCursor()) {
      this.highlight(stepAtLine(this.graph, editor.selection.active.line));
    } else if (this.highlighted !== null) {
      this.post({ type: 'highlight', step: this.highlighted });
    }
  }

  private highlight(step: string | null): void {
    if (step === this.highlighted) {
      return;
    }
    this.highlighted = step;
    this.post({ type: 'highlight', step });
  }

  /** Draws `state` over the graph when it is a run of the flow shown (else ignored). */
  showRunState(state: RunState): void {
    if (state.run.split('/')[0] === this.graph?.flow) {
      this.runState = state;
      this.post({ type: 'runState', state });
    }
  }

  private post(message: HostToView): void {
    if (this.viewReady && !this.disposed) {
      void this.panel.webview.postMessage(message);
    }
  }

  private onMessage(raw: unknown): void {
    const message: ViewToHost | undefined = parseViewMessage(raw);
    if (message === undefined) {
      this.deps.log.warn('Ignored a malformed message from the DAG view.');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.viewReady = true;
        if (this.graph !== undefined) {
          this.post({ type: 'graph', graph: this.graph });
          if (this.highlighted !== null) {
            this.post({ type: 'highlight', step: this.highlighted });
          }
          if (this.runState !== null) {
            this.post({ type: 'runState', state: this.runState });
          }
        } else {
          void this.refresh();
        }
        break;
      case 'revealStep':
        void this.revealStep(message.step);
        break;
      case 'exported':
        if (this.exportWaiter?.format === message.format) {
          this.exportWaiter.resolve(message.data);
          this.exportWaiter = undefined;
        } else {
          this.deps.saveExport(message.format, message.data, this.graph?.flow ?? null, this.document);
        }
        break;
      case 'rendered':
        this.lastRendered = { nodes: message.nodes, millis: message.millis };
        this.deps.log.debug(`DAG of ${message.flow ?? '?'} drawn: ${message.nodes} steps in ${message.millis.toFixed(1)} ms.`);
        break;
      case 'error':
        this.deps.log.error(`DAG view: ${message.message}`);
        // Notifications render [text](link) as links, command: ones included: show text only.
        void vscode.window.showErrorMessage(`Metaflow DAG: ${message.message.replace(/[[\]]/g, '')}`);
        break;
      default: {
        // A ViewToHost member added to media/src/protocol.ts must be handled here (and parsed).
        const unhandled: never = message;
        this.deps.log.warn(`Unhandled message from the DAG view: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Selects `def <step>` in the editor's column (opening the document if needed). */
  private async revealStep(step: string): Promise<void> {
    const info = this.graph?.steps[step];
    if (info === undefined) {
      this.deps.log.warn(`The DAG asked for step ${step}, which the flow does not have.`);
      return;
    }
    // A step inherited from another module is defined (and revealed) in that module's file.
    const target = info.source_file ? vscode.Uri.file(info.source_file) : this.document;
    try {
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
      const document = visible?.document ?? (await vscode.workspace.openTextDocument(target));
      const editor = await vscode.window.showTextDocument(document, {
        viewColumn: visible?.viewColumn ?? this.sourceColumn,
        preserveFocus: false,
      });
      const range = toEditorRange(info.name_range, (line) =>
        line < document.lineCount ? document.lineAt(line).text : '',
      );
      const selection = new vscode.Selection(range.startLine, range.startCharacter, range.endLine, range.endCharacter);
      editor.selection = selection;
      editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (error) {
      this.deps.log.error(`Could not reveal step ${step}: ${errorMessage(error)}`);
    }
  }

  private setHtml(): void {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    webview.html = buildDagHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dag.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dag.css')).toString(),
      nonce: createNonce(),
      title: 'Metaflow DAG',
    });
  }

  dispose(): void {
    this.deps.flowShown?.(this.document, null);
    this.disposed = true;
    this.viewReady = false;
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
