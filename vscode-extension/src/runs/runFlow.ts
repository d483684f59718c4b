/**
 * The run flow feature wired together: run sessions (terminal, progress, resume), the run
 * form panel, the DAG panel's live run watch and the commands. extension.ts creates it
 * once; `api` is what in-host tests read.
 */
import * as vscode from 'vscode';
import { registerRunFlowCommands } from '../commands/runFlow';
import type { RunFormValues } from '../common/runFlowProtocol';
import type { MetaflowServer } from '../common/server';
import type { DagPanel } from '../views/dagPanel';
import { RunFormPanel, type RunFormInfo } from '../views/runFormPanel';
import type { RunsTree } from '../views/runsTree';
import { DagRunWatch } from './dagRunWatch';
import { RunSessions, type RunSessionInfo } from './runSessions';

export interface RunFlowApi {
  /** Launches like the form's Run button; resolves with the launch id or the errors. */
  launch(uri: string, flow: string, values: RunFormValues): Promise<{ launchId?: string; errors?: Record<string, string> }>;
  /** Runs started in this window, oldest first. */
  sessions(): RunSessionInfo[];
  cancel(launchId: string): Promise<boolean>;
  form(): RunFormInfo | undefined;
}

export interface RunFlowDeps {
  context: vscode.ExtensionContext;
  server: MetaflowServer;
  log: vscode.LogOutputChannel;
  dag: () => DagPanel;
  runs: () => RunsTree;
}

export function createRunFlow(deps: RunFlowDeps): { dagWatch: DagRunWatch; disposables: vscode.Disposable[]; api: RunFlowApi } {
  const { server, log } = deps;
  const sessions = new RunSessions({
    server,
    log,
    showRunState: (state) => deps.dag().showRunState(state),
    refreshRuns: () => deps.runs().refresh(),
  });
  const form = new RunFormPanel({ extensionUri: deps.context.extensionUri, server, sessions, workspaceState: deps.context.workspaceState, log, dagColumn: () => deps.dag().viewColumn });
  const dagWatch = new DagRunWatch(server, log, (state) => deps.dag().showRunState(state));
  const commands = registerRunFlowCommands({ server, form, sessions, selection: () => deps.runs().view.selection });
  const api: RunFlowApi = {
    launch: async (uri, flow, values) => {
      const answer = await sessions.launch(vscode.Uri.parse(uri), flow, values);
      return 'errors' in answer ? { errors: answer.errors } : { launchId: answer.launch_id };
    },
    sessions: () => sessions.list(),
    cancel: (launchId) => sessions.cancel(launchId),
    form: () => form.info(),
  };
  return { dagWatch, disposables: [sessions, form, dagWatch, ...commands], api };
}
