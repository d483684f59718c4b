/**
 * The language server's lifecycle: check the chosen interpreter has the server, start
 * `python -m mfstudio.lsp` over stdio, restart on demand (debounced, and only when what
 * would start differs), report state. A failed start logs, shows what to do, never throws.
 */
import * as vscode from 'vscode';
import { MIN_PYTHON, RESTART_DEBOUNCE_MS, SERVER_MODULE } from './constants';
import { checkPythonModule, describeInterpreter, type Interpreter } from './interpreter';
import type * as LanguageClientModule from './languageClient';
import type { ConnectionState, ServerConnection } from './languageClient';
import { errorMessage } from './log';
import type { FlowGraph } from './protocol';
import type { FunctionMethod, FunctionParams, FunctionResults } from './functionsProtocol';
import type { RunFlowMethod, RunFlowParams, RunFlowResults } from './runFlowProtocol';
import type { ParamsOf, ResultOf, RunMethod, RunsSource } from './runsProtocol';
import type { PythonInterpreters } from './python';
import type { UiMethod, UiRequestTypes } from './uiProtocol';
import { planLaunch, type LaunchPlan } from './serverLaunch';
import { showServerProblem } from './serverProblem';

export type ServerState = 'stopped' | 'starting' | 'running' | 'error';

export interface ServerStatus {
  state: ServerState;
  /** Why it is stopped or failed, in words for the user. */
  reason?: string;
  interpreter?: Interpreter;
}

/** Restarts after crashes allowed within CRASH_WINDOW_MS before giving up. */
const MAX_CRASH_RESTARTS = 3;
const CRASH_WINDOW_MS = 3 * 60_000;
/** How long a stopped server may take to exit before it is killed. */
const EXIT_GRACE_MS = 1000;

/** The client library's bundle (dist/languageClient.js), loaded at the first start. */
function loadClientModule(): Promise<typeof LanguageClientModule> {
  return import('./languageClient');
}

export class MetaflowServer implements vscode.Disposable, RunsSource {
  private connection: ServerConnection | undefined;
  /** The plan the current connection was started from, while it runs. */
  private runningPlan: LaunchPlan | undefined;
  /** Whether the current connection ever ran (a crash before that is not retried). */
  private reachedRunning = false;
  private current: ServerStatus = { state: 'stopped' };
  /** True once a flow document asked for the server: only then do restarts start it. */
  private wanted = false;
  private hint: vscode.Uri | undefined;
  private queue: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private crashes: number[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private readonly graphChangedEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; version: number }>();

  readonly onDidChangeStatus = this.statusEmitter.event;
  /** The server re-analysed a document and its graph changed. */
  readonly onDidChangeFlowGraph = this.graphChangedEmitter.event;
  private readonly runNotificationEmitter = new vscode.EventEmitter<{ method: string; params: unknown }>();
  /** metaflow/runOutput and metaflow/runState from the server (runs/runSessions.ts reads
   * them), metaflow/uiEvent (views/uiPanel.ts) and metaflow/functionProgress
   * (commands/functionDeployments.ts). */
  readonly onRunNotification = this.runNotificationEmitter.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly interpreters: PythonInterpreters,
  ) {}

  get status(): ServerStatus {
    return this.current;
  }

  get isRunning(): boolean {
    return this.current.state === 'running' && this.connection !== undefined;
  }

  /** Starts the server unless it was already started; resolves when that attempt ends. */
  ensureStarted(hint?: vscode.Uri): Promise<void> {
    if (this.wanted) {
      return this.queue;
    }
    this.wanted = true;
    this.hint = hint;
    return this.enqueue(async () => this.launch(await planLaunch(this.interpreters, this.hint)));
  }

  /**
   * After a quiet period, restarts if what would start now (interpreter, settings, folders)
   * differs from what runs. Ignored until a flow document asked for the server.
   */
  scheduleRestart(reason: string): void {
    if (!this.wanted) {
      return;
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.enqueue(async () => {
        const plan = await planLaunch(this.interpreters, this.hint);
        if (this.isRunning && plan.key === this.runningPlan?.key) {
          this.log.info(`Not restarting the language server (${reason}): it would start the same way.`);
          return;
        }
        this.log.info(`Restarting the language server: ${reason}.`);
        await this.stopConnection();
        await this.launch(plan);
      });
    }, RESTART_DEBOUNCE_MS);
  }

  /** Stops and starts the server now (the Restart command). */
  restart(): Promise<void> {
    clearTimeout(this.restartTimer);
    this.wanted = true;
    this.crashes = [];
    return this.enqueue(async () => {
      await this.stopConnection();
      await this.launch(await planLaunch(this.interpreters, this.hint));
    });
  }

  flowGraph(uri: vscode.Uri, flow: string | null = null): Promise<FlowGraph> {
    const connection = this.connection;
    if (connection === undefined || !this.isRunning) {
      return Promise.reject(this.notRunning());
    }
    return connection.flowGraph(uri, flow);
  }

  /** A run request (runsProtocol.ts); rejects with the server's message when it fails. */
  request<M extends RunMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const connection = this.connection;
    if (connection === undefined || !this.isRunning) {
      return Promise.reject(this.notRunning());
    }
    return connection.request<ResultOf<M>>(method, params);
  }

  /** A run-flow request (runFlowProtocol.ts): the run form, launches, watches. */
  runFlow<M extends RunFlowMethod>(method: M, params: RunFlowParams[M]): Promise<RunFlowResults[M]> {
    const connection = this.connection;
    if (connection === undefined || !this.isRunning) {
      return Promise.reject(this.notRunning());
    }
    return connection.request<RunFlowResults[M]>(method, params);
  }

  /** A UI panel request (uiProtocol.ts): a UI API route or a live subscription. */
  ui<M extends UiMethod>(method: M, params: UiRequestTypes[M][0]): Promise<UiRequestTypes[M][1]> {
    const connection = this.connection;
    if (connection === undefined || !this.isRunning) {
      return Promise.reject(this.notRunning());
    }
    return connection.request<UiRequestTypes[M][1]>(method, params);
  }

  /** A "Deploy as function" request (functionsProtocol.ts): functions, tasks, deployments. */
  functions<M extends FunctionMethod>(method: M, params: FunctionParams[M]): Promise<FunctionResults[M]> {
    const connection = this.connection;
    if (connection === undefined || !this.isRunning) {
      return Promise.reject(this.notRunning());
    }
    return connection.request<FunctionResults[M]>(method, params);
  }

  private notRunning(): Error {
    return new Error(`The Metaflow language server is not running (${this.current.reason ?? this.current.state}).`);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      try {
        await work();
      } catch (error) {
        this.log.error(`Language server lifecycle: ${errorMessage(error)}`);
      }
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  private setStatus(status: ServerStatus): void {
    this.current = status;
    this.statusEmitter.fire(status);
  }

  private fail(reason: string, interpreter: Interpreter | undefined): void {
    this.log.error(reason);
    this.setStatus({ state: 'error', reason, interpreter });
    showServerProblem(reason, interpreter, this.log);
  }

  private async launch(plan: LaunchPlan): Promise<void> {
    const began = Date.now();
    const { interpreter } = plan;
    this.runningPlan = undefined;
    if (!plan.settings.serverEnabled) {
      this.log.info('The language server is disabled by metaflow.server.enabled.');
      this.setStatus({ state: 'stopped', reason: 'disabled by the metaflow.server.enabled setting' });
      return;
    }
    this.setStatus({ state: 'starting', interpreter });
    this.log.info(`Interpreter: ${describeInterpreter(interpreter)}`);

    const [check, clientModule] = await Promise.all([
      checkPythonModule(interpreter.path, SERVER_MODULE, { env: plan.env, cwd: plan.cwd, minVersion: MIN_PYTHON }),
      loadClientModule(),
    ]);
    if (!check.ok) {
      this.fail(
        check.problem === 'interpreter-not-found'
          ? `The Python interpreter ${interpreter.path} was not found.`
          : check.problem === 'python-too-old'
            ? `The interpreter ${interpreter.path} is too old for the server: ${check.detail}.`
            : `The interpreter ${interpreter.path} cannot import ${SERVER_MODULE} (${check.detail}).`,
        interpreter,
      );
      return;
    }
    this.log.info(`Python ${check.pythonVersion} has ${SERVER_MODULE} (checked in ${Date.now() - began} ms); starting it.`);

    const connection: ServerConnection = clientModule.createConnection(plan, {
      log: this.log,
      closed: () => this.onServerClosed(),
      stateChanged: (state) => this.onConnectionState(connection, state, interpreter),
      flowGraphChanged: (uri, version) => this.graphChangedEmitter.fire({ uri, version }),
      runNotification: (method, params) => this.runNotificationEmitter.fire({ method, params }),
    });
    this.connection = connection;
    this.reachedRunning = false;
    try {
      await connection.start();
      if (!connection.isRunning()) {
        // The client's start() resolves even when the server died during initialize.
        throw new Error('the server process ended during initialisation');
      }
      this.reachedRunning = true;
      this.runningPlan = plan;
      this.log.info(`The Metaflow language server is running (${Date.now() - began} ms after the start began).`);
      this.setStatus({ state: 'running', interpreter });
    } catch (error) {
      this.connection = undefined;
      await connection.stop(EXIT_GRACE_MS);
      const said = connection.lastError();
      this.fail(
        said ? `The language server exited while starting: ${said}` : `The language server did not start: ${errorMessage(error)}`,
        interpreter,
      );
    }
  }

  /** The client restarted a crashed server by itself, or gave up. */
  private onConnectionState(connection: ServerConnection, state: ConnectionState, interpreter: Interpreter): void {
    if (this.connection !== connection || this.stopping || !this.reachedRunning) {
      return; // launch() reports the first start; stopConnection() reports a deliberate stop
    }
    if (state === 'running') {
      this.setStatus({ state: 'running', interpreter });
    } else if (state === 'starting') {
      this.setStatus({ state: 'starting', interpreter });
    } else if (this.current.state !== 'error') {
      this.setStatus({ state: 'error', reason: 'The language server stopped.', interpreter });
    }
  }

  private onServerClosed(): 'restart' | 'stop' {
    if (!this.reachedRunning) {
      // It died while starting: launch() reports why (its stderr); restarting would repeat it.
      return 'stop';
    }
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length <= MAX_CRASH_RESTARTS) {
      this.log.warn(`The language server exited; restarting it (${this.crashes.length}/${MAX_CRASH_RESTARTS}).`);
      return 'restart';
    }
    this.runningPlan = undefined;
    this.fail(`The language server exited ${this.crashes.length} times in 3 minutes; not restarting it.`, this.current.interpreter);
    return 'stop';
  }

  private async stopConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.runningPlan = undefined;
    if (connection === undefined) {
      return;
    }
    this.stopping = true;
    try {
      const result = await connection.stop(EXIT_GRACE_MS);
      if (result.error !== undefined) {
        this.log.warn(`Stopping the language server: ${result.error}`);
      }
      this.log.info(
        result.killed
          ? `The language server did not exit within ${EXIT_GRACE_MS} ms of its shutdown; ended it.`
          : `The language server stopped in ${result.millis} ms.`,
      );
    } finally {
      this.stopping = false;
      this.setStatus({ state: 'stopped' });
    }
  }

  async dispose(): Promise<void> {
    clearTimeout(this.restartTimer);
    await this.stopConnection();
    this.statusEmitter.dispose();
    this.graphChangedEmitter.dispose();
  }
}
