/**
 * One code-server per test file, opened on a throw-away copy of the demo workspace.
 *
 * Why: tests type into flows, so they must never touch test-fixtures/ (the demo the README
 * opens); a fresh profile per file keeps tests independent of each other and of any state a
 * previous run left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startCodeServer } from '../../../scripts/code-server.mjs';

export { REPO_ROOT };
export const DEMO_WORKSPACE = path.join(REPO_ROOT, 'test-fixtures', 'demo');
export const EXTENSION_DIR = path.join(REPO_ROOT, 'vscode-extension');
export const VSIX_PATH = process.env.MFSTUDIO_VSIX ?? path.join(EXTENSION_DIR, 'dist', 'metaflow-studio.vsix');
export const MFSTUDIO_CLI = process.env.MFSTUDIO_CLI ?? path.join(REPO_ROOT, '.venv', 'bin', 'mfstudio');
export const PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

/** Settings for UI-driven tests: keystrokes land exactly as typed (no auto-close, auto-indent or suggest-accept). */
export const TYPING_SETTINGS = Object.freeze({
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.autoSurround': 'never',
  'editor.formatOnType': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.parameterHints.enabled': false,
  'editor.minimap.enabled': false,
  'workbench.editor.enablePreview': false,
  'files.autoSave': 'off',
  'python.defaultInterpreterPath': path.join(REPO_ROOT, '.venv', 'bin', 'python'),
  'metaflow.pythonPath': path.join(REPO_ROOT, '.venv', 'bin', 'python'),
});

/** Environment every Metaflow subprocess started under test gets (COMMON.md). */
export function metaflowEnv(tmp) {
  return { USERNAME: 'mfstudio-test', METAFLOW_CLIENT_CACHE_PATH: path.join(tmp, 'metaflow-client-cache') };
}

/**
 * Copies the demo workspace (plus `extraFiles`, relative path -> text) into a temp dir.
 * @returns {{root: string, dir: string, file: (rel: string) => string, remove: () => void}}
 */
export function copyDemoWorkspace(extraFiles = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfstudio-ws-'));
  const dir = path.join(root, 'demo');
  fs.cpSync(DEMO_WORKSPACE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.metaflow`) });
  for (const [rel, text] of Object.entries(extraFiles)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return {
    root,
    dir,
    file: (rel) => path.join(dir, rel),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Starts code-server on a fresh copy of the demo workspace.
 * @param {{vsix?: string[], smokeDriver?: boolean, settings?: object, extraFiles?: Record<string,string>, env?: Record<string,string>}} o
 */
export async function startWorkbench(o = {}) {
  const ws = copyDemoWorkspace(o.extraFiles);
  try {
    const cs = await startCodeServer({
      folder: ws.dir,
      vsix: o.vsix ?? [],
      smokeDriver: o.smokeDriver ?? false,
      settings: o.settings ?? {},
      env: { ...metaflowEnv(ws.dir), ...o.env },
      alsoRemove: [ws.root], // removed by stop(), or when the test process ends early
    });
    return { ...cs, workspace: ws };
  } catch (e) {
    ws.remove();
    throw e;
  }
}

/**
 * The extension's output channel as VS Code writes it to the profile's logs
 * (logs/SESSION/exthostN/EXTENSION-ID/CHANNEL.log), or '' when there is none yet.
 */
export function readExtensionLog(cs, channel = 'Metaflow Studio') {
  const logs = path.join(cs.profileDir, 'user-data', 'logs');
  if (!fs.existsSync(logs)) return '';
  const found = fs
    .readdirSync(logs, { recursive: true })
    .map(String)
    .filter((rel) => rel.endsWith(path.join('metaflow-studio.metaflow-studio', `${channel}.log`)));
  return found.map((rel) => fs.readFileSync(path.join(logs, rel), 'utf8')).join('\n');
}
