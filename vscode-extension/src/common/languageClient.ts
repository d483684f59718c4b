/**
 * Everything that touches vscode-languageclient, in its own bundle (dist/languageClient.js)
 * loaded only when the server starts: the client library is most of the extension's code,
 * and activation should not pay for loading it (docs/vscode-extension.md, "Activation").
 * server.ts sees only the small `ServerConnection` interface below.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, SERVER_MODULE } from './constants';
import { FUNCTION_PROGRESS_NOTIFICATION } from './functionsProtocol';
import { errorMessage, TextTail } from './log';
import {
  FLOW_GRAPH_CHANGED_NOTIFICATION,
  FLOW_GRAPH_REQUEST,
  type FlowGraph,
  type FlowGraphChangedParams,
  type FlowGraphParams,
} from './protocol';
import { RUN_OUTPUT_NOTIFICATION, RUN_STATE_NOTIFICATION } from './runFlowProtocol';
import type { LaunchPlan } from './serverLaunch';
import { UI_EVENT_NOTIFICATION } from './uiProtocol';

export type ConnectionState = 'starting' | 'running' | 'stopped';

export interface ConnectionHooks {
  log: vscode.LogOutputChannel;
  /** The server's connection closed unexpectedly: restart it, or stop for good. */
  closed(): 'restart' | 'stop';
  stateChanged(state: ConnectionState): void;
  flowGraphChanged(uri: vscode.Uri, version: number): void;
  /** A run notification (metaflow/runOutput, metaflow/runState, metaflow/uiEvent,
   * metaflow/functionProgress), params as sent. */
  runNotification(method: string, params: unknown): void;
}

/** One language client and the process it talks to. */
export interface ServerConnection {
  start(): Promise<void>;
  isRunning(): boolean;
  /** The server's last stderr line (why it died, when it died). */
  lastError(): string;
  flowGraph(uri: vscode.Uri, flow: string | null): Promise<FlowGraph>;
  /** A custom request with plain JSON params and result (the run requests). */
  request<R>(method: string, params: object): Promise<R>;
  /** Sends shutdown/exit, then ends the process if it has not exited after `graceMs`. */
  stop(graceMs: number): Promise<{ millis: number; killed: boolean; error?: string }>;
}

const STATES: Partial<Record<State, ConnectionState>> = {
  [State.Starting]: 'starting',
  [State.Running]: 'running',
  [State.Stopped]: 'stopped',
};

export function createConnection(plan: LaunchPlan, hooks: ConnectionHooks): ServerConnection {
  const stderr = new TextTail();
  let child: ChildProcess | undefined;
  // Spawned here rather than by the client, to keep the stderr tail (the reason shown when
  // the server dies while starting) and to be sure the process ends when we stop it.
  const serverOptions: ServerOptions = async () => {
    child = spawn(plan.interpreter.path, ['-m', SERVER_MODULE], {
      cwd: plan.cwd,
      env: plan.env,
      stdio: 'pipe',
      windowsHide: true,
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => stderr.append(chunk));
    child.on('error', (error) => hooks.log.error(`Language server process: ${error.message}`));
    return child;
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    outputChannel: hooks.log,
    traceOutputChannel: hooks.log,
    initializationOptions: plan.initializationOptions,
    initializationFailedHandler: (error) => {
      hooks.log.error(`The language server failed to initialise: ${errorMessage(error)}`);
      return false;
    },
    errorHandler: {
      error: (error) => {
        hooks.log.error(`Language server connection error: ${errorMessage(error)}`);
        return { action: ErrorAction.Continue, handled: true };
      },
      closed: () => ({
        action: hooks.closed() === 'restart' ? CloseAction.Restart : CloseAction.DoNotRestart,
        handled: true,
      }),
    },
  };
  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  for (const method of [RUN_OUTPUT_NOTIFICATION, RUN_STATE_NOTIFICATION, UI_EVENT_NOTIFICATION, FUNCTION_PROGRESS_NOTIFICATION]) {
    client.onNotification(method, (params: unknown) => hooks.runNotification(method, params));
  }
  client.onNotification(FLOW_GRAPH_CHANGED_NOTIFICATION, (params: FlowGraphChangedParams) => {
    hooks.flowGraphChanged(client.protocol2CodeConverter.asUri(params.uri), params.version);
  });
  client.onDidChangeState((event) => {
    const state = STATES[event.newState];
    if (state !== undefined) {
      hooks.stateChanged(state);
    }
  });

  const processRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  return {
    start: () => client.start(),
    isRunning: () => client.isRunning(),
    lastError: () => stderr.lastLine(),
    flowGraph: (uri, flow) => {
      const params: FlowGraphParams = { uri: client.code2ProtocolConverter.asUri(uri), flow };
      return client.sendRequest<FlowGraph>(FLOW_GRAPH_REQUEST, params);
    },
    request: <R>(method: string, params: object) => client.sendRequest<R>(method, params),
    stop: async (graceMs) => {
      const began = Date.now();
      let error: string | undefined;
      const wasRunning = client.needsStop();
      try {
        await client.dispose(2000);
      } catch (e) {
        // Disposing a client that never got running throws; only a running one matters.
        error = wasRunning ? errorMessage(e) : undefined;
      }
      const process = child;
      if (process !== undefined && processRunning()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          process.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const killed = processRunning();
      if (killed) {
        process?.kill();
      }
      return { millis: Date.now() - began, killed, error };
    },
  };
}
