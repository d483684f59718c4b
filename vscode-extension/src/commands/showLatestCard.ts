/**
 * `metaflow.showLatestCard`: the code lens above a step with `@card` (arguments
 * `[flow, step, uri]`). Asks `metaflow/latestCards` for the newest task of that step with a
 * card and shows it; when no run has one yet, says so (the server's message).
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import type { CardPanel } from '../views/cardPanel';
import { requireServer } from './requireServer';

export function registerShowLatestCard(server: MetaflowServer, cards: CardPanel): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showLatestCard, async (flow?: unknown, step?: unknown, uri?: unknown) => {
    if (typeof flow !== 'string' || typeof step !== 'string') {
      void vscode.window.showWarningMessage('Metaflow: use the "Show latest card" lens above a step that has @card.');
      return;
    }
    const hint = typeof uri === 'string' ? vscode.Uri.parse(uri, true) : undefined;
    if (!(await requireServer(server, hint))) {
      return;
    }
    try {
      const list = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Looking for the latest card of ${flow}.${step}` },
        () => server.request('metaflow/latestCards', { flow, step }),
      );
      cards.show(list);
    } catch (error) {
      void vscode.window.showWarningMessage(`Metaflow: ${errorMessage(error)}`);
    }
  });
}
