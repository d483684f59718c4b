'use strict';
/**
 * A test stand-in for the Python extension (ms-python.python): the part of its published
 * API that `@vscode/python-extension` hands to other extensions (`PythonExtension.api()`
 * returns this extension's exports), implemented over real interpreters.
 *
 * Why: the real extension cannot be installed here (no marketplace), so without this the
 * branch of Metaflow Studio that follows the interpreter selected in the Python extension
 * would never run in a test. See README.md for what is implemented and what is not.
 *
 * - The active environment path is kept per workspace folder (the real extension keeps the
 *   selection in workspace state too), defaulting to `python.defaultInterpreterPath`, else
 *   `python`.
 * - `resolveEnvironment` runs the interpreter to read sys.executable, sys.prefix and the
 *   version, as the real extension's resolver does; an interpreter that cannot run resolves
 *   to undefined ("invalid environment").
 * - `updateActiveEnvironmentPath` stores the path and fires `onDidChangeActiveEnvironmentPath`.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const STATE_KEY = 'pythonStandin.activeEnvironmentPaths';
/** Key of the selection made without a workspace folder (an empty window). */
const NO_FOLDER = '';
const PROBE = [
  'import json, sys',
  'v = sys.version_info',
  'print(json.dumps({"executable": sys.executable, "prefix": sys.prefix, "base_prefix": sys.base_prefix,',
  '  "version": [v.major, v.minor, v.micro, v.releaselevel, v.serial], "sys_version": sys.version,',
  '  "bits": 64 if sys.maxsize > 2**32 else 32}))',
].join('\n');
const RELEASE_LEVELS = { alpha: 'alpha', beta: 'beta', candidate: 'candidate', final: 'final' };

/** The real extension hashes the path into an id; a normalised path is as unique and readable. */
function envId(envPath) {
  return path.normalize(envPath);
}

/** An environment folder's interpreter, or the path itself when it is not a folder. */
function executableOf(envPath) {
  try {
    if (fs.statSync(envPath).isDirectory()) {
      return process.platform === 'win32' ? path.join(envPath, 'Scripts', 'python.exe') : path.join(envPath, 'bin', 'python');
    }
  } catch {
    /* a bare command name (`python`) or a missing path: run it as given */
  }
  return envPath;
}

/** What the interpreter says about itself, or undefined when it cannot run. */
function probe(executable) {
  return new Promise((resolve) => {
    execFile(executable, ['-c', PROBE], { timeout: 20_000, windowsHide: true }, (error, stdout) => {
      if (error) {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function folderOf(resource) {
  if (resource === undefined) {
    return vscode.workspace.workspaceFolders?.[0];
  }
  if (resource instanceof vscode.Uri) {
    return vscode.workspace.getWorkspaceFolder(resource);
  }
  return resource; // a WorkspaceFolder
}

function pathOf(environment) {
  return typeof environment === 'string' ? environment : environment.path;
}

class Environments {
  constructor(state) {
    this.state = state;
    /** @type {Record<string, string>} folder URI (or NO_FOLDER) -> selected path */
    this.selected = { ...state.get(STATE_KEY, {}) };
    /** @type {Map<string, object>} id -> resolved environment */
    this.resolved = new Map();
    this.activeChanged = new vscode.EventEmitter();
    this.environmentsChanged = new vscode.EventEmitter();
    this.variablesChanged = new vscode.EventEmitter();
    this.disposables = [
      this.activeChanged,
      this.environmentsChanged,
      this.variablesChanged,
      vscode.workspace.onDidChangeConfiguration((event) => {
        // A folder without an explicit selection follows python.defaultInterpreterPath.
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          if (this.selected[folder.uri.toString()] === undefined && event.affectsConfiguration('python.defaultInterpreterPath', folder)) {
            this.fireActive(folder);
          }
        }
      }),
    ];
  }

  defaultPath(folder) {
    const configured = vscode.workspace.getConfiguration('python', folder).get('defaultInterpreterPath');
    if (typeof configured === 'string' && configured.trim() !== '') {
      return folder ? configured.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath) : configured;
    }
    return 'python';
  }

  getActiveEnvironmentPath(resource) {
    const folder = folderOf(resource);
    const chosen = this.selected[folder ? folder.uri.toString() : NO_FOLDER] ?? this.defaultPath(folder);
    return { id: envId(chosen), path: chosen };
  }

  async updateActiveEnvironmentPath(environment, resource) {
    const chosen = pathOf(environment);
    if (typeof chosen !== 'string' || chosen === '') {
      throw new Error('updateActiveEnvironmentPath: an interpreter path, an EnvironmentPath or an Environment is required.');
    }
    const folder = folderOf(resource);
    this.selected[folder ? folder.uri.toString() : NO_FOLDER] = chosen;
    await this.state.update(STATE_KEY, this.selected);
    this.fireActive(folder);
  }

  fireActive(folder) {
    const active = this.getActiveEnvironmentPath(folder);
    this.activeChanged.fire({ ...active, resource: folder });
  }

  async resolveEnvironment(environment) {
    const envPath = pathOf(environment);
    const info = await probe(executableOf(envPath));
    if (info === undefined) {
      return undefined;
    }
    const isVenv = info.prefix !== info.base_prefix;
    const [major, minor, micro, level, serial] = info.version;
    const prefixUri = vscode.Uri.file(info.prefix);
    const resolved = {
      id: envId(envPath),
      path: envPath,
      executable: { uri: vscode.Uri.file(info.executable), bitness: info.bits === 64 ? '64-bit' : '32-bit', sysPrefix: info.prefix },
      environment: isVenv
        ? { type: 'VirtualEnvironment', name: path.basename(info.prefix), folderUri: prefixUri, workspaceFolder: vscode.workspace.getWorkspaceFolder(prefixUri) }
        : undefined,
      version: { major, minor, micro, release: { level: RELEASE_LEVELS[level] ?? 'final', serial }, sysVersion: info.sys_version },
      tools: isVenv && fs.existsSync(path.join(info.prefix, 'pyvenv.cfg')) ? ['Venv'] : [],
    };
    const known = this.resolved.has(resolved.id);
    this.resolved.set(resolved.id, resolved);
    this.environmentsChanged.fire({ env: resolved, type: known ? 'update' : 'add' });
    return resolved;
  }

  /** Discovery, reduced to the environments that are selected (the stand-in does not search the disk). */
  async refreshEnvironments() {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const paths = new Set([...folders.map((f) => this.getActiveEnvironmentPath(f).path), ...Object.values(this.selected)]);
    await Promise.all([...paths].map((p) => this.resolveEnvironment(p)));
  }

  api() {
    const self = this;
    return {
      getActiveEnvironmentPath: (resource) => self.getActiveEnvironmentPath(resource),
      updateActiveEnvironmentPath: (environment, resource) => self.updateActiveEnvironmentPath(environment, resource),
      onDidChangeActiveEnvironmentPath: self.activeChanged.event,
      get known() {
        return [...self.resolved.values()];
      },
      onDidChangeEnvironments: self.environmentsChanged.event,
      refreshEnvironments: () => self.refreshEnvironments(),
      resolveEnvironment: (environment) => self.resolveEnvironment(environment),
      // The real extension adds the variables of the workspace's .env file; the stand-in has none.
      getEnvironmentVariables: () => ({ ...process.env }),
      onDidEnvironmentVariablesChange: self.variablesChanged.event,
    };
  }
}

/** "Python: Select Interpreter": a known environment, or a path typed in. */
async function selectInterpreter(environments) {
  const enterPath = 'Enter interpreter path…';
  const items = [...environments.resolved.values()].map((e) => ({ label: e.executable.uri?.fsPath ?? e.path, description: e.version?.sysVersion.split(' ')[0], path: e.path }));
  const picked = await vscode.window.showQuickPick([...items, { label: enterPath }], { placeHolder: 'Select a Python interpreter (test stand-in)' });
  const chosen = picked?.label === enterPath ? await vscode.window.showInputBox({ prompt: 'Path to a Python interpreter' }) : picked?.path;
  if (chosen) {
    await environments.updateActiveEnvironmentPath(chosen, vscode.window.activeTextEditor?.document.uri);
  }
}

function activate(context) {
  const environments = new Environments(context.workspaceState);
  context.subscriptions.push(...environments.disposables, vscode.commands.registerCommand('python.setInterpreter', () => selectInterpreter(environments)));
  return {
    ready: Promise.resolve(),
    environments: environments.api(),
    debug: {
      getDebuggerPackagePath: async () => undefined, // no debugpy is bundled with the stand-in
      getRemoteLauncherCommand: async () => {
        throw new Error('The Python extension stand-in does not provide the debugger launcher.');
      },
    },
  };
}

module.exports = { activate };
