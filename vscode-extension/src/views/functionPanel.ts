/**
 * The function panels: one webview per deployment ("Deploy as function"), hosting media's
 * function panel page (dist/media/functionPanel.js). The page renders the deployment's state
 * (sent whole on every change) and asks for things: Send (the deployment's `send`, the same
 * path the in-host tests use), Copy reference, Open API docs (the browser, through
 * asExternalUri so it also works remotely), Open output (a batch's results), Stop. Closing the
 * panel stops its deployment.
 */
import * as vscode from 'vscode';
import type { FunctionPanelToHost, HostToFunctionPanel } from '../../../media/src/functionPanelProtocol';
import type { Deployment } from '../commands/functionDeployments';
import { errorMessage } from '../common/log';
import { createNonce, escapeHtml, webviewPage } from './dagHtml';
import type { FunctionPanelState } from './functionPanelState';

export const FUNCTION_VIEW_TYPE = 'metaflow.function';

/** What in-host tests read about an open panel. */
export interface FunctionPanelInfo {
  deployment_id: string;
  title: string;
  /** The page said `ready` (it has rendered at least one state since). */
  ready: boolean;
  visible: boolean;
  state: FunctionPanelState;
}

const PAGE_TYPES = new Set(['ready', 'send', 'copyReference', 'openDocs', 'openOutput', 'stop']);

/** A page message of a known type, else undefined (a version skew is ignored, not half-applied). */
export function parsePanelMessage(raw: unknown): FunctionPanelToHost | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const message = raw as { type?: unknown };
  if (typeof message.type !== 'string' || !PAGE_TYPES.has(message.type)) return undefined;
  if (message.type === 'send' && !('body' in message)) return undefined;
  return raw as FunctionPanelToHost;
}

class FunctionPanel {
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly deployment: Deployment,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      deployment.onDidChange(() => this.post()),
    );
    const webview = panel.webview;
    const media = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
    webview.html = webviewPage(
      {
        cspSource: webview.cspSource,
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'functionPanel.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'functionPanel.css')).toString(),
        nonce: createNonce(),
        title: panel.title,
      },
      `id="root" aria-label="${escapeHtml(panel.title)}"`,
    );
  }

  info(): FunctionPanelInfo {
    return { deployment_id: this.deployment.id, title: this.panel.title, ready: this.ready, visible: this.panel.visible, state: this.deployment.state };
  }

  private post(): void {
    if (!this.ready) return; // the page asks with `ready` once it listens
    const message: HostToFunctionPanel = { type: 'state', state: this.deployment.state };
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePanelMessage(raw);
    if (message === undefined) {
      this.log.warn('Ignored a malformed message from the function panel.');
      return;
    }
    const state = this.deployment.state;
    try {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          this.post();
          return;
        case 'send':
          await this.deployment.send(message.body);
          return;
        case 'copyReference':
          if (state.reference !== null) {
            await vscode.env.clipboard.writeText(state.reference);
            void vscode.window.setStatusBarMessage(`Copied the reference of ${state.function}.`, 3000);
          }
          return;
        case 'openDocs':
          if (state.url !== null) {
            const external = await vscode.env.asExternalUri(vscode.Uri.parse(`${state.url.replace(/\/$/, '')}/docs`));
            await vscode.env.openExternal(external);
          }
          return;
        case 'openOutput':
          if (state.output_file !== null) await vscode.window.showTextDocument(vscode.Uri.file(state.output_file), { preview: false });
          return;
        case 'stop':
          await this.deployment.stop();
          return;
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

export class FunctionPanels implements vscode.Disposable {
  private readonly panels = new Map<string, FunctionPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens (or reveals) the panel of `deployment`, beside the editor. */
  open(deployment: Deployment): void {
    const open = this.panels.get(deployment.id);
    if (open !== undefined) {
      open.panel.reveal(undefined, true);
      return;
    }
    const { state } = deployment;
    const panel = vscode.window.createWebviewPanel(
      FUNCTION_VIEW_TYPE,
      `${state.function} · ${state.target}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        enableFindWidget: true,
        // The page keeps what is being typed in its webview state, and the host re-sends the
        // rest on `ready`, so a hidden panel may be unloaded.
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')],
      },
    );
    const hosted = new FunctionPanel(panel, deployment, this.extensionUri, this.log);
    this.panels.set(deployment.id, hosted);
    panel.onDidDispose(() => {
      hosted.dispose();
      this.panels.delete(deployment.id);
      // Closing the panel ends what it controls: nothing keeps running unseen.
      if (!deployment.ended) {
        deployment.stop().catch((error: unknown) => this.log.warn(`Stopping ${deployment.id}: ${errorMessage(error)}`));
      }
    });
  }

  list(): FunctionPanelInfo[] {
    return [...this.panels.values()].map((p) => p.info());
  }

  close(id: string): void {
    this.panels.get(id)?.panel.dispose();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}
