/**
 * The run form panel: a webview hosting media's run form bundle (dist/media/runform.js) for
 * one flow. The server describes the form (`metaflow/runForm`), the extension fills in the
 * last values used for that flow (workspaceState), answers "Browse…" with a file picker and
 * hands launches to RunSessions; server validation errors go back next to their fields.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../common/log';
import type { FormToHost, HostToForm, RunFormValues } from '../common/runFlowProtocol';
import type { MetaflowServer } from '../common/server';
import type { RunSessions } from '../runs/runSessions';
import { buildDagHtml, createNonce } from './dagHtml';

export const RUN_FORM_VIEW_TYPE = 'metaflow.runForm';

/** workspaceState key of the last values launched for a flow. */
export function valuesKey(document: vscode.Uri, flow: string): string {
  return `metaflow.runForm.values:${document.toString()}#${flow}`;
}

export interface RunFormDeps {
  extensionUri: vscode.Uri;
  server: MetaflowServer;
  sessions: RunSessions;
  workspaceState: vscode.Memento;
  log: vscode.LogOutputChannel;
  /** The DAG panel's column, if open: the form goes to the right of it, keeping both visible. */
  dagColumn(): vscode.ViewColumn | undefined;
}

/** What in-host tests read about the open form. */
export interface RunFormInfo {
  flow: string;
  document: string;
  ready: boolean;
  /** The last message the host sent the form. */
  lastSent: HostToForm['type'] | null;
  lastErrors: Record<string, string> | null;
}

const FORM_TYPES = new Set(['ready', 'launch', 'pickFile', 'cancel']);

function parseFormMessage(raw: unknown): FormToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' && FORM_TYPES.has(type) ? (raw as FormToHost) : undefined;
}

export class RunFormPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.Uri | undefined;
  private flow = '';
  private ready = false;
  private lastSent: HostToForm['type'] | null = null;
  private lastErrors: Record<string, string> | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: RunFormDeps) {}

  /** Opens (or moves) the form to `flow` of `document`. */
  async open(document: vscode.Uri, flow: string): Promise<void> {
    this.document = document;
    this.flow = flow;
    if (this.panel === undefined) {
      const dag = this.deps.dagColumn();
      const column = dag === undefined ? vscode.ViewColumn.Beside : ((dag + 1) as vscode.ViewColumn);
      this.panel = vscode.window.createWebviewPanel(RUN_FORM_VIEW_TYPE, flow ? `Run ${flow}` : 'Run flow', column, {
        enableScripts: true,
        enableFindWidget: false,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media')],
      });
      const panel = this.panel;
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
        }
      });
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw));
      this.ready = false;
      panel.webview.html = this.html(panel.webview);
    } else {
      this.panel.title = flow ? `Run ${flow}` : this.panel.title;
      this.panel.reveal(undefined, false);
      if (this.ready) {
        await this.sendForm();
      }
    }
  }

  /** Launches with the last values of `flow` (the form's defaults when none). */
  async launchLast(document: vscode.Uri, flow: string): Promise<void> {
    const values = this.deps.workspaceState.get<RunFormValues>(valuesKey(document, flow)) ?? {
      params: {},
      tags: [],
      max_workers: null,
      with_specs: [],
      target: 'local',
      target_options: {},
    };
    const answer = await this.deps.sessions.launch(document, flow, values);
    if ('errors' in answer) {
      void vscode.window.showErrorMessage(`Metaflow: ${flow} was not started: ${Object.entries(answer.errors).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
      await this.open(document, flow);
      this.send({ type: 'errors', errors: answer.errors });
    }
  }

  info(): RunFormInfo | undefined {
    if (this.panel === undefined || this.document === undefined) return undefined;
    return { flow: this.flow, document: this.document.toString(), ready: this.ready, lastSent: this.lastSent, lastErrors: this.lastErrors };
  }

  private html(webview: vscode.Webview): string {
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    return buildDagHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'runform.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'runform.css')).toString(),
      nonce: createNonce(),
      title: `Run ${this.flow}`,
    });
  }

  private send(message: HostToForm): void {
    this.lastSent = message.type;
    if (message.type === 'errors') this.lastErrors = message.errors;
    void this.panel?.webview.postMessage(message);
  }

  private async sendForm(): Promise<void> {
    const document = this.document;
    if (document === undefined) return;
    try {
      await this.deps.server.ensureStarted(document);
      const params = this.flow ? { uri: document.toString(), flow: this.flow } : { uri: document.toString() };
      const state = await this.deps.server.runFlow('metaflow/runForm', params);
      state.values = this.deps.workspaceState.get<RunFormValues>(valuesKey(document, state.flow)) ?? null;
      this.flow = state.flow;
      if (this.panel !== undefined) this.panel.title = `Run ${state.flow}`;
      this.send({ type: 'form', state });
    } catch (error) {
      this.send({ type: 'failed', message: `Could not read the flow's parameters: ${errorMessage(error)}` });
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFormMessage(raw);
    const document = this.document;
    if (message === undefined || document === undefined) {
      this.deps.log.warn('Ignored a malformed message from the run form.');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.sendForm();
        break;
      case 'launch':
        await this.launch(document, message.values);
        break;
      case 'pickFile': {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, defaultUri: vscode.Uri.joinPath(document, '..'), openLabel: 'Use file' });
        if (picked?.[0] !== undefined) {
          this.send({ type: 'pickedFile', field: message.field, path: picked[0].fsPath });
        }
        break;
      }
      case 'cancel':
        this.panel?.dispose();
        break;
    }
  }

  private async launch(document: vscode.Uri, values: RunFormValues): Promise<void> {
    this.send({ type: 'launching' });
    try {
      const answer = await this.deps.sessions.launch(document, this.flow, values);
      if ('errors' in answer) {
        this.send({ type: 'errors', errors: answer.errors });
        return;
      }
      this.lastErrors = null;
      await this.deps.workspaceState.update(valuesKey(document, this.flow), values);
      this.send({ type: 'launched', run: null });
    } catch (error) {
      this.send({ type: 'failed', message: errorMessage(error) });
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
