/**
 * What would start: the launch plan (folder, settings, interpreter, environment, workspace
 * roots), separated from when it starts (server.ts) and how (languageClient.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';
import { chooseInterpreter, type Interpreter } from './interpreter';
import type { InitializationOptions } from './protocol';
import type { PythonInterpreters } from './python';
import { readSettings, type Settings } from './settings';

export interface LaunchPlan {
  settings: Settings;
  interpreter: Interpreter;
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  initializationOptions: InitializationOptions;
  /** Equal keys: the same server would start, so a restart can be skipped. */
  key: string;
}

/** Reads the settings and picks the interpreter for the folder of `hint` (else the first). */
export async function planLaunch(interpreters: PythonInterpreters, hint: vscode.Uri | undefined): Promise<LaunchPlan> {
  const folder = (hint && vscode.workspace.getWorkspaceFolder(hint)) ?? vscode.workspace.workspaceFolders?.[0];
  const settings = readSettings(vscode.workspace.getConfiguration(CONFIG_SECTION, folder), {
    workspaceFolder: folder?.uri.fsPath,
    home: process.env.HOME,
  });
  const interpreter = chooseInterpreter({
    pythonExtensionPath: await interpreters.selectedFor(folder?.uri ?? hint),
    settingPath: settings.pythonPath,
    searchFrom: folder?.uri.fsPath ?? (hint?.scheme === 'file' ? path.dirname(hint.fsPath) : undefined),
  });
  const cwd = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  const initializationOptions: InitializationOptions = {
    workspaceRoots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    datastoreRoots: settings.datastoreRoot !== undefined ? [settings.datastoreRoot] : [],
  };
  return {
    settings,
    interpreter,
    cwd,
    env: { ...process.env, ...settings.serverEnv, PYTHONUNBUFFERED: '1' },
    initializationOptions,
    key: JSON.stringify([settings.serverEnabled, interpreter.path, cwd, settings.serverEnv, initializationOptions]),
  };
}
