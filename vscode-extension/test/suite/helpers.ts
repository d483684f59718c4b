/** Shared helpers of the in-host tests: the extension's API, the demo flow, polling. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MetaflowStudioApi } from '../../src/api';
import { EXTENSION_ID } from '../../src/common/constants';

export async function extensionApi(): Promise<MetaflowStudioApi> {
  const extension = vscode.extensions.getExtension<MetaflowStudioApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  return extension.isActive ? extension.exports : extension.activate();
}

/** Polls `probe` until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface DemoFlow {
  uri: vscode.Uri;
  text: string;
  /** The flow class name, read from the source. */
  flow: string;
  /** Names of the @step functions, read from the source (not from the server). */
  steps: string[];
}

/** The demo workspace's flow: flows/training_flow.py, else any .py that defines a FlowSpec. */
export async function findDemoFlow(): Promise<DemoFlow> {
  const files = await vscode.workspace.findFiles('**/*.py', '{**/.venv/**,**/node_modules/**}', 200);
  files.sort((a, b) => Number(b.path.endsWith('/flows/training_flow.py')) - Number(a.path.endsWith('/flows/training_flow.py')));
  for (const uri of files) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const flow = /^class\s+(\w+)\s*\([^)]*\bFlowSpec\b[^)]*\)\s*:/m.exec(text)?.[1];
    if (flow !== undefined) {
      return { uri, text, flow, steps: stepNames(text) };
    }
  }
  throw new Error('No Python file that defines a FlowSpec in the test workspace.');
}

/** `def` names that carry a @step decorator (possibly among other decorators). */
export function stepNames(text: string): string[] {
  const names: string[] = [];
  const pattern = /^([ \t]*)@step\b[^\n]*\n(?:\1@[^\n]*\n)*\1def\s+(\w+)\s*\(/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[2] !== undefined) {
      names.push(match[2]);
    }
  }
  return names;
}

/** Opens an untitled Python buffer (never a file on disk) and shows it. */
export async function openScratch(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'python', content });
  return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
}

/** Closes the active editor without saving (untitled buffers are discarded). */
export async function discardActiveEditor(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
