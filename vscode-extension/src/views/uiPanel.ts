/**
 * The UI panels ("Open run", "Compare runs", "Show lineage"): media's UI bundle (the
 * standalone `mfstudio ui` page) in webviews, one panel per route opened. A panel relays
 * only: the page's `api` requests to `metaflow/uiGet`, its subscriptions to
 * `metaflow/uiSubscribe` / `uiUnsubscribe`, and `metaflow/uiEvent` notifications back
 * (docs/ui-api.md, "VS Code webview messages"). VS Code's theme applies through its
 * `--vscode-*` variables; the page hides its own theme toggle.
 *
 * Subscription ids: each page numbers its own (`s1`, `s2`, ...), so the server knows them as
 * `<panel>:<page id>` and events are routed back by that name. A restarted server has lost
 * them: the panels then reload, and their pages subscribe again (the route is kept).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import {
  apiResult,
  panelTitle,
  parsePageMessage,
  UI_EVENT_NOTIFICATION,
  UiRequests,
  unavailable,
  type HostToPage,
  type PageToHost,
  type RenderedReport,
  type UiEventParams,
} from '../common/uiProtocol';
import { createNonce } from './dagHtml';
import { buildUiHtml } from './uiHtml';

export const UI_VIEW_TYPE = 'metaflow.ui';

export interface UiPanelDeps {
  extensionUri: vscode.Uri;
  server: MetaflowServer;
  log: vscode.LogOutputChannel;
}

/** What in-host tests read about an open panel. */
export interface UiPanelInfo {
  /** The route it was opened on, and the datastore folder (undefined: the workspace's). */
  route: string;
  root?: string;
  title: string;
  /** The page's last `rendered` report. */
  rendered?: RenderedReport;
  /** API requests answered (ok or error) and live subscriptions held. */
  answered: number;
  subscriptions: number;
}

/** One webview showing the UI page on one route. */
class UiPanel {
  private readonly subs = new Map<string, string>(); // page id -> server id
  private rendered: RenderedReport | undefined;
  private answered = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly route: string,
    readonly root: string | undefined,
    private readonly name: string,
    private readonly owner: UiPanels,
    private readonly deps: UiPanelDeps,
  ) {
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw));
    this.load();
  }

  /** (Re)loads the page; it asks for its data and subscribes again. */
  load(): void {
    this.dropSubscriptions();
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    webview.html = buildUiHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'ui.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'ui.css')).toString(),
      nonce: createNonce(),
      route: this.route,
      title: this.panel.title,
    });
  }

  info(): UiPanelInfo {
    return { route: this.route, root: this.root, title: this.panel.title, rendered: this.rendered, answered: this.answered, subscriptions: this.subs.size };
  }

  deliver(event: Record<string, unknown>): void {
    this.post({ type: 'uiEvent', event });
  }

  dispose(): void {
    this.dropSubscriptions();
  }

  private post(message: HostToPage): void {
    void this.panel.webview.postMessage(message);
  }

  private withRoot<T extends object>(params: T): T & { root?: string } {
    return this.root === undefined ? params : { ...params, root: this.root };
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message: PageToHost | undefined = parsePageMessage(raw);
    switch (message?.type) {
      case 'api':
        try {
          const answer = await this.deps.server.ui(UiRequests.get, this.withRoot({ path: message.path }));
          this.post(apiResult(message.id, answer));
        } catch (error) {
          this.post(unavailable(message.id, `The Metaflow language server could not answer: ${errorMessage(error)}`));
        }
        this.answered += 1;
        return;
      case 'subscribe': {
        const serverId = `${this.name}:${message.id}`;
        this.subs.set(message.id, serverId);
        this.owner.route(serverId, this); // before asking: events may come before the answer
        try {
          await this.deps.server.ui(UiRequests.subscribe, this.withRoot({ id: serverId, message }));
        } catch (error) {
          this.deliver({ type: 'error', id: message.id, error: { kind: 'unavailable', message: `Live updates are off: ${errorMessage(error)}`, nearest: [] } });
        }
        return;
      }
      case 'unsubscribe':
        this.unsubscribe(message.id);
        return;
      case 'rendered':
        this.rendered = message;
        this.panel.title = panelTitle(message.title);
        return;
      default:
        return;
    }
  }

  private unsubscribe(pageId: string): void {
    const serverId = this.subs.get(pageId);
    if (serverId === undefined) return;
    this.subs.delete(pageId);
    this.owner.unroute(serverId);
    if (this.deps.server.isRunning) {
      this.deps.server.ui(UiRequests.unsubscribe, { id: serverId }).catch((error: unknown) => this.deps.log.warn(`Unsubscribing ${serverId}: ${errorMessage(error)}`));
    }
  }

  private dropSubscriptions(): void {
    for (const pageId of [...this.subs.keys()]) this.unsubscribe(pageId);
  }
}

/** Every open UI panel: opening, routing server events to them, reloading after restarts. */
export class UiPanels implements vscode.Disposable {
  private readonly panels = new Map<string, UiPanel>(); // key: root + route
  private readonly routes = new Map<string, UiPanel>(); // server subscription id -> panel
  private readonly disposables: vscode.Disposable[] = [];
  private count = 0;
  private serverWasDown = false;

  constructor(private readonly deps: UiPanelDeps) {
    this.disposables.push(
      deps.server.onRunNotification(({ method, params }) => {
        if (method !== UI_EVENT_NOTIFICATION) return;
        const { id, event } = params as UiEventParams;
        this.routes.get(id)?.deliver(event);
      }),
      deps.server.onDidChangeStatus((status) => {
        if (status.state !== 'running') {
          this.serverWasDown = true;
        } else if (this.serverWasDown) {
          this.serverWasDown = false;
          this.routes.clear(); // the old server's subscriptions are gone with it
          for (const panel of this.panels.values()) panel.load();
        }
      }),
    );
  }

  /** Shows the panel of `route` (a location hash of the page) in `root`'s datastore, opening it if needed. */
  open(route: string, title: string, root?: string): void {
    const key = `${root ?? ''}\n${route}`;
    const existing = this.panels.get(key);
    if (existing !== undefined) {
      existing.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(UI_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      // The page holds live subscriptions and what the user opened in it (task, tab, scroll).
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media')],
    });
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'resources', 'metaflow.svg');
    this.count += 1;
    const ui = new UiPanel(panel, route, root, `p${this.count}`, this, this.deps);
    this.panels.set(key, ui);
    panel.onDidDispose(() => {
      this.panels.delete(key);
      ui.dispose();
    });
  }

  route(serverId: string, panel: UiPanel): void {
    this.routes.set(serverId, panel);
  }

  unroute(serverId: string): void {
    this.routes.delete(serverId);
  }

  /** The open panels, newest last. */
  snapshot(): UiPanelInfo[] {
    return [...this.panels.values()].map((p) => p.info());
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
