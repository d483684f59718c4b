/**
 * Every identifier the extension shares with package.json, the language server or VS Code,
 * defined once so a rename is one edit.
 */

/** `<publisher>.<name>` from package.json. */
export const EXTENSION_ID = 'metaflow-studio.metaflow-studio';

/** The language client's id: it also makes the client read `metaflow.trace.server`. */
export const CLIENT_ID = 'metaflow';
export const CLIENT_NAME = 'Metaflow Language Server';
export const OUTPUT_CHANNEL_NAME = 'Metaflow Studio';

/** The Python module the server runs as (`python -m mfstudio.lsp`). */
export const SERVER_MODULE = 'mfstudio.lsp';
/** What users install to get that module. */
export const SERVER_DISTRIBUTION = 'metaflow-studio';
/** The oldest Python that distribution supports (pyproject.toml's requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

export const CONFIG_SECTION = 'metaflow';

export const Commands = {
  showDag: 'metaflow.showDag',
  exportDag: 'metaflow.exportDag',
  restartServer: 'metaflow.restartServer',
  showOutput: 'metaflow.showOutput',
  showLatestCard: 'metaflow.showLatestCard',
  refreshRuns: 'metaflow.runs.refresh',
  filterRuns: 'metaflow.runs.filter',
  clearRunFilter: 'metaflow.runs.clearFilter',
  loadMoreRuns: 'metaflow.runs.loadMore',
  openStdout: 'metaflow.runs.openStdout',
  openStderr: 'metaflow.runs.openStderr',
  followLogs: 'metaflow.runs.followLogs',
  showFailure: 'metaflow.runs.showFailure',
  copyPathspec: 'metaflow.runs.copyPathspec',
  revealStep: 'metaflow.runs.revealStep',
  showStepInDag: 'metaflow.runs.showStepInDag',
  showCard: 'metaflow.runs.showCard',
  openRun: 'metaflow.openRun',
  compareRuns: 'metaflow.compareRuns',
  showLineage: 'metaflow.showLineage',
} as const;

/** Context keys set for `when` clauses in package.json. */
export const ContextKeys = {
  serverRunning: 'metaflow.serverRunning',
  dagPanelOpen: 'metaflow.dagPanelOpen',
  runsFiltered: 'metaflow.runsFiltered',
} as const;

/** The Runs tree view (package.json `views.metaflow`). */
export const RUNS_VIEW_ID = 'metaflow.runs';
/** The card preview panel's view type. */
export const CARD_VIEW_TYPE = 'metaflow.card';
/** URI schemes of the read-only run documents. */
export const LOG_SCHEME = 'metaflow-log';
export const FAILURE_SCHEME = 'metaflow-failure';

/** The DAG panel's view type (also in package.json's `onWebviewPanel:` activation event). */
export const DAG_VIEW_TYPE = 'metaflow.dag';

/** Ms to wait after the last trigger before restarting the server. */
export const RESTART_DEBOUNCE_MS = 300;
