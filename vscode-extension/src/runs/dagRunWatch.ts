/**
 * The DAG panel's live run: whenever the panel shows a flow, the server watches that flow's
 * newest run (`metaflow/watchRun` with `flow`), so a run started in a terminal lights up
 * the graph as well as one started here. One watch at a time; it moves with the panel.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../common/log';
import { RUN_STATE_NOTIFICATION, type RunState, type RunStateParams } from '../common/runFlowProtocol';
import type { MetaflowServer } from '../common/server';

export class DagRunWatch implements vscode.Disposable {
  private watchId: string | null = null;
  private key: string | null = null;
  /** What to watch again once a restarted server runs. */
  private pending: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly server: MetaflowServer,
    private readonly log: vscode.LogOutputChannel,
    private readonly show: (state: RunState) => void,
  ) {
    this.disposables.push(
      server.onRunNotification(({ method, params }) => {
        const message = params as RunStateParams;
        if (method === RUN_STATE_NOTIFICATION && message.watch_id === this.watchId) {
          this.show(message.state);
        }
      }),
      server.onDidChangeStatus((status) => {
        if (status.state !== 'running') {
          this.watchId = null; // a restarted server has no watches: ask again
          const key = this.key;
          this.key = null;
          this.pending = key;
        } else if (this.pending !== null) {
          const [document, flow] = JSON.parse(this.pending) as [string, string];
          this.pending = null;
          void this.follow(vscode.Uri.parse(document), flow);
        }
      }),
    );
  }

  /** The DAG panel shows `flow` of `document` now (null: nothing, or closed). */
  async follow(document: vscode.Uri, flow: string | null): Promise<void> {
    const key = flow === null ? null : JSON.stringify([document.toString(), flow]);
    if (key === this.key) {
      return;
    }
    this.key = key;
    const previous = this.watchId;
    this.watchId = null;
    try {
      if (previous !== null) {
        await this.server.runFlow('metaflow/unwatchRun', { watch_id: previous });
      }
      if (flow !== null && this.server.isRunning) {
        const { watch_id } = await this.server.runFlow('metaflow/watchRun', { flow, uri: document.toString() });
        if (this.key === key) {
          this.watchId = watch_id;
        } else {
          await this.server.runFlow('metaflow/unwatchRun', { watch_id });
        }
      }
    } catch (error) {
      this.log.warn(`Could not watch the runs of ${flow ?? 'the flow'}: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
