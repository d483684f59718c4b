/**
 * Metaflow Studio's entry point. It only wires the parts together: the language server
 * lifecycle (common/server.ts), the status bar, the DAG panel, the Runs view with its
 * documents and card panel, and the commands; every disposable goes to
 * context.subscriptions. See docs/vscode-extension.md.
 */
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { MetaflowStudioApi } from './api';
import { registerDeployFunction } from './commands/deployFunction';
import { registerExportDag, saveDagExport } from './commands/exportDag';
import { registerFilterCommands } from './commands/filterRuns';
import { registerRunsCommands } from './commands/runs';
import { registerServerCommands } from './commands/server';
import { registerShowDag } from './commands/showDag';
import { registerShowLatestCard } from './commands/showLatestCard';
import { registerUiCommands } from './commands/uiPanels';
import { CONFIG_SECTION, OUTPUT_CHANNEL_NAME } from './common/constants';
import { onFirstFlowDocument } from './common/flowWatcher';
import { PythonInterpreters } from './common/python';
import { MetaflowServer } from './common/server';
import { RESTART_SETTINGS, readSettings } from './common/settings';
import { createRunFlow } from './runs/runFlow';
import { registerDebugging } from './debug';
import { CardPanel } from './views/cardPanel';
import { DagPanel } from './views/dagPanel';
import { FailureDocuments } from './views/failureDocuments';
import { LogDocuments, logUri } from './views/logDocuments';
import { RunsTree } from './views/runsTree';
import { ServerStatusBar } from './views/statusBar';
import { UiPanels } from './views/uiPanel';

let stopServer: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): MetaflowStudioApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const interpreters = new PythonInterpreters(log);
  const server = new MetaflowServer(log, interpreters);
  const runFlow = createRunFlow({ context, server, log, dag: () => dag, runs: () => runs });
  const dag = new DagPanel({
    extensionUri: context.extensionUri,
    server,
    log,
    workspaceState: context.workspaceState,
    followCursor: () => readSettings(vscode.workspace.getConfiguration(CONFIG_SECTION)).dagFollowCursor,
    saveExport: (format, data, flow, document) => void saveDagExport({ format, data, flow, document }, log),
    flowShown: (document, flow) => void runFlow.dagWatch.follow(document, flow),
  });
  const runs = new RunsTree({ server, state: context.workspaceState, log });
  const logs = new LogDocuments(server);
  const failures = new FailureDocuments(server);
  const cards = new CardPanel();
  const uiPanels = new UiPanels({ extensionUri: context.extensionUri, server, log });
  const functions = registerDeployFunction({ extensionUri: context.extensionUri, server, log, selection: () => runs.view.selection });
  stopServer = () => server.dispose();

  context.subscriptions.push(
    interpreters,
    server,
    new ServerStatusBar(server, log),
    dag,
    registerShowDag(server, dag),
    registerExportDag(dag, log),
    runs,
    logs,
    failures,
    cards,
    ...registerRunsCommands({ server, tree: runs, logs, failures, cards, dag }),
    ...registerFilterCommands(runs),
    registerShowLatestCard(server, cards),
    uiPanels,
    ...registerUiCommands({ server, tree: runs, panels: uiPanels }),
    ...runFlow.disposables,
    ...functions.disposables,
    ...registerDebugging({ server, tree: runs, log }),
    ...registerServerCommands(server, log),
    interpreters.onDidChange(() => server.scheduleRestart('the Python interpreter changed')),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((section) => event.affectsConfiguration(section))) {
        server.scheduleRestart('its settings changed');
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => server.scheduleRestart('the workspace folders changed')),
    onFirstFlowDocument((document) => void server.ensureStarted(document.uri)),
    log, // last: the parts above may still log while they are disposed
  );

  const activationMillis = performance.now() - started;
  log.info(`Metaflow Studio activated in ${activationMillis.toFixed(1)} ms.`);
  return {
    serverState: () => server.status.state,
    serverStatus: () => ({ ...server.status }),
    debugPlan: (params) => server.request('metaflow/debugPlan', params),
    flowGraph: (uri, flow = null) => server.flowGraph(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, flow),
    dagPanel: () => dag.snapshot(),
    runs: {
      children: (id) => runs.describe(id),
      node: (id) => runs.node(id),
      filter: () => ({ ...runs.filter }),
      setFilter: (filter) => runs.setFilter(filter),
      refresh: () => runs.refresh(),
      openLog: async (task, stream, root, follow = false) => (await logs.open({ task, stream, root }, follow)).document.getText(),
      logUri: (task, stream, root) => logUri({ task, stream, root }).toString(),
      cardPanel: () => cards.snapshot(),
    },
    runFlow: runFlow.api,
    uiPanels: () => uiPanels.snapshot(),
    functions: functions.api,
    activationMillis,
  };
}

export async function deactivate(): Promise<void> {
  await stopServer?.();
  stopServer = undefined;
}
