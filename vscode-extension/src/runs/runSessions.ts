/**
 * Runs started from the editor: one terminal per run fed by `metaflow/runOutput`, a
 * progress notification ("TrainingFlow: 3 of 9 steps done") with Cancel, run states
 * forwarded to the DAG panel, the Runs view refreshed when the run appears and ends, and
 * "Resume from failed step" offered when it fails. The server does the work (see
 * pyserver/mfstudio/lsp/run_flow.py); this module only routes and shows.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../common/log';
import {
  RUN_OUTPUT_NOTIFICATION,
  RUN_STATE_NOTIFICATION,
  type LaunchAnswer,
  type RunFormValues,
  type RunOutputParams,
  type RunState,
  type RunStateParams,
} from '../common/runFlowProtocol';
import type { MetaflowServer } from '../common/server';

export interface RunSessionsDeps {
  server: MetaflowServer;
  log: vscode.LogOutputChannel;
  /** Draws a run over the DAG panel when it shows that flow. */
  showRunState(state: RunState): void;
  /** The Runs view: a run appeared or ended. */
  refreshRuns(): void;
}

/** What the in-host tests and the API read about a run started here. */
export interface RunSessionInfo {
  launchId: string;
  flow: string;
  run: string | null;
  exitCode: number | null;
  /** True when the run ended because Cancel stopped it. */
  cancelled: boolean;
  status: RunState['status'] | 'starting';
  lines: number;
  terminalName: string;
}

/** "3 of 9 steps done", or with the running/failed counts when there are any. */
export function progressText(state: RunState, totalSteps: number): string {
  const steps = Object.values(state.steps);
  const done = steps.filter((s) => s.status === 'succeeded').length;
  const failed = steps.filter((s) => s.status === 'failed').length;
  const total = Math.max(totalSteps, steps.length);
  return `${done} of ${total} steps done` + (failed > 0 ? `, ${failed} failed` : '');
}

class RunSession implements vscode.Disposable {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly rename = new vscode.EventEmitter<string>();
  private readonly finishedEmitter = new vscode.EventEmitter<void>();
  readonly terminal: vscode.Terminal;
  run: string | null = null;
  exitCode: number | null = null;
  cancelled = false;
  status: RunSessionInfo['status'] = 'starting';
  lines = 0;
  terminalName: string;
  lastState: RunState | undefined;
  private opened = false;
  private early: string[] = [];
  readonly onFinished = this.finishedEmitter.event;

  constructor(
    readonly launchId: string,
    readonly flow: string,
    readonly uri: vscode.Uri,
    readonly totalSteps: number,
    argv: string[],
  ) {
    this.terminalName = `Metaflow: ${flow}`;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.write.event,
      onDidChangeName: this.rename.event,
      open: () => {
        // VS Code drops what a pseudoterminal fires before open: replay it now.
        this.opened = true;
        this.write.fire(this.early.join(''));
        this.early = [];
        if (this.run !== null) this.rename.fire(this.terminalName);
      },
      close: () => undefined,
    };
    this.emit(`\x1b[2m$ ${argv.join(' ')}\x1b[0m\r\n`);
    this.terminal = vscode.window.createTerminal({ name: this.terminalName, pty, isTransient: true });
    this.terminal.show(true);
  }

  output(message: RunOutputParams): void {
    if (message.run !== null && this.run === null) {
      this.named(message.run);
    }
    for (const line of message.lines) {
      this.emit(line.replace(/\r?$/, '\r\n'));
    }
    this.lines += message.lines.length;
    if (message.exit_code !== null) {
      this.exitCode = message.exit_code;
      this.cancelled = message.cancelled;
      const how = message.cancelled ? 'cancelled' : message.exit_code === 0 ? 'finished' : `failed (exit code ${message.exit_code})`;
      this.emit(`\r\n\x1b[2m[${this.run ?? this.flow} ${how}]\x1b[0m\r\n`);
      if (this.status === 'starting' || this.status === 'running') {
        this.status = message.exit_code === 0 ? 'succeeded' : 'failed';
      }
      this.finishedEmitter.fire();
    }
  }

  private emit(text: string): void {
    if (this.opened) this.write.fire(text);
    else this.early.push(text);
  }

  named(run: string): void {
    this.run = run;
    this.terminalName = `Metaflow: ${run}`;
    if (this.opened) this.rename.fire(this.terminalName);
  }

  info(): RunSessionInfo {
    const { launchId, flow, run, exitCode, cancelled, status, lines, terminalName } = this;
    return { launchId, flow, run, exitCode, cancelled, status, lines, terminalName };
  }

  dispose(): void {
    this.write.dispose();
    this.rename.dispose();
    this.finishedEmitter.dispose();
  }
}

export class RunSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, RunSession>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<RunSessionInfo>();
  /** A run started here changed (its run id, state or exit). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: RunSessionsDeps) {
    this.disposables.push(
      this.changed,
      deps.server.onRunNotification(({ method, params }) => {
        if (method === RUN_OUTPUT_NOTIFICATION) {
          this.onOutput(params as RunOutputParams);
        } else if (method === RUN_STATE_NOTIFICATION) {
          this.onState(params as RunStateParams);
        }
      }),
    );
  }

  /** Launches the run form's values; validation errors come back by form key. */
  async launch(uri: vscode.Uri, flow: string, values: RunFormValues): Promise<LaunchAnswer> {
    const answer = await this.deps.server.runFlow('metaflow/launchRun', { uri: uri.toString(), flow, values });
    if ('launch_id' in answer) {
      await this.track(answer, flow, uri);
    }
    return answer;
  }

  /** `resume --origin-run-id` of a failed run, shown like a launch. */
  async resume(uri: vscode.Uri, run: string, step?: string): Promise<LaunchAnswer> {
    const params = step === undefined ? { uri: uri.toString(), run } : { uri: uri.toString(), run, step };
    const answer = await this.deps.server.runFlow('metaflow/resumeRun', params);
    if ('errors' in answer) {
      void vscode.window.showErrorMessage(`Metaflow: cannot resume ${run}: ${Object.values(answer.errors).join('; ')}`);
    } else {
      await this.track(answer, run.split('/')[0] ?? run, uri);
    }
    return answer;
  }

  async cancel(launchId: string): Promise<boolean> {
    const answer = await this.deps.server.runFlow('metaflow/cancelRun', { launch_id: launchId });
    return answer.cancelled;
  }

  list(): RunSessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info());
  }

  private async track(answer: { launch_id: string; argv: string[] }, flow: string, uri: vscode.Uri): Promise<void> {
    let totalSteps = 0;
    try {
      totalSteps = Object.keys((await this.deps.server.flowGraph(uri, flow)).steps).length;
    } catch (error) {
      this.deps.log.warn(`No graph for ${flow} (progress shows started steps only): ${errorMessage(error)}`);
    }
    const session = new RunSession(answer.launch_id, flow, uri, totalSteps, answer.argv);
    this.sessions.set(answer.launch_id, session);
    this.disposables.push(session);
    this.deps.log.info(`Started ${flow}: ${answer.argv.join(' ')}`);
    void this.showProgress(session);
  }

  private showProgress(session: RunSession): Thenable<void> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: session.flow, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let shown = '';
          const update = (): void => {
            const text = session.lastState ? progressText(session.lastState, session.totalSteps) : 'starting…';
            if (text !== shown) {
              progress.report({ message: text });
              shown = text;
            }
          };
          update();
          const subscriptions = [
            this.onDidChange((info) => (info.launchId === session.launchId ? update() : undefined)),
            token.onCancellationRequested(() => void this.cancel(session.launchId)),
          ];
          session.onFinished(() => {
            subscriptions.forEach((s) => s.dispose());
            resolve();
            this.finished(session);
          });
        }),
    );
  }

  private finished(session: RunSession): void {
    this.deps.refreshRuns();
    const name = session.run ?? session.flow;
    if (session.cancelled) {
      void vscode.window.showInformationMessage(`Metaflow: ${name} was cancelled.`);
    } else if (session.exitCode === 0) {
      void vscode.window.showInformationMessage(`Metaflow: ${name} succeeded.`);
    } else if (session.run !== null) {
      const resume = 'Resume from failed step';
      const output = 'Show output';
      void vscode.window.showErrorMessage(`Metaflow: ${name} failed.`, resume, output).then((choice) => {
        if (choice === resume && session.run !== null) {
          void this.resume(session.uri, session.run);
        } else if (choice === output) {
          session.terminal.show();
        }
      });
    } else {
      void vscode.window.showErrorMessage(`Metaflow: ${session.flow} did not start; see the terminal for why.`);
      session.terminal.show();
    }
  }

  private onOutput(message: RunOutputParams): void {
    const session = this.sessions.get(message.launch_id);
    if (session === undefined) {
      return;
    }
    const newRun = session.run === null && message.run !== null;
    session.output(message);
    if (newRun) {
      this.deps.refreshRuns();
    }
    this.changed.fire(session.info());
  }

  private onState(message: RunStateParams): void {
    if (message.launch_id === null) {
      return; // a watch's state: the DAG panel's own (runs/dagRunWatch.ts)
    }
    const session = this.sessions.get(message.launch_id);
    if (session === undefined) {
      return;
    }
    if (session.run === null) {
      session.named(message.state.run);
      this.deps.refreshRuns();
    }
    session.lastState = message.state;
    session.status = message.state.status;
    this.deps.showRunState(message.state);
    this.changed.fire(session.info());
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
