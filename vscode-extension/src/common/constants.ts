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
} as const;

/** Context keys set for `when` clauses in package.json. */
export const ContextKeys = {
  serverRunning: 'metaflow.serverRunning',
  dagPanelOpen: 'metaflow.dagPanelOpen',
} as const;

/** The DAG panel's view type (also in package.json's `onWebviewPanel:` activation event). */
export const DAG_VIEW_TYPE = 'metaflow.dag';

/** Ms to wait after the last trigger before restarting the server. */
export const RESTART_DEBOUNCE_MS = 300;
