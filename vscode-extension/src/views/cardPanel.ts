/**
 * The card preview: one webview panel showing a task's cards, each in a sandboxed iframe
 * (see cardHtml.ts for the policy and why). Reused for the next card shown; no local server,
 * no resources loaded from disk.
 */
import * as vscode from 'vscode';
import { CARD_VIEW_TYPE } from '../common/constants';
import type { CardList } from '../common/runsProtocol';
import { cardPageHtml, cardTitle } from './cardHtml';

export interface CardPanelInfo {
  pathspec: string;
  /** Titles of the cards shown, e.g. `default card`. */
  cards: string[];
  visible: boolean;
}

export class CardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: CardList | undefined;

  /** Shows `list`'s cards, opening the panel beside the editor or reusing it. */
  show(list: CardList): void {
    if (this.panel === undefined) {
      this.panel = vscode.window.createWebviewPanel(CARD_VIEW_TYPE, 'Metaflow card', vscode.ViewColumn.Beside, {
        // The cards' own scripts run inside the sandboxed iframes, which need scripts
        // enabled in the webview; the page around them has none.
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
    } else {
      this.panel.reveal(undefined, true);
    }
    this.shown = list;
    this.panel.title = `Card: ${list.pathspec}`;
    this.panel.webview.html = cardPageHtml(list.pathspec, list.cards);
  }

  snapshot(): CardPanelInfo | undefined {
    if (this.panel === undefined || this.shown === undefined) {
      return undefined;
    }
    return { pathspec: this.shown.pathspec, cards: this.shown.cards.map(cardTitle), visible: this.panel.visible };
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
