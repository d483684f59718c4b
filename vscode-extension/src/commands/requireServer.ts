/**
 * The check every server-backed command makes first: start the server if nobody has yet,
 * wait out a start in progress, and otherwise tell the user why it is not running and
 * offer what fixes it.
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import type { MetaflowServer, ServerStatus } from '../common/server';

const START_TIMEOUT_MS = 60_000;

/** The server's status once a start in progress has ended (or timed out). */
export function settled(server: MetaflowServer): Promise<ServerStatus> {
  if (server.status.state !== 'starting') {
    return Promise.resolve(server.status);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(server.status);
    }, START_TIMEOUT_MS);
    const subscription = server.onDidChangeStatus((status) => {
      if (status.state !== 'starting') {
        clearTimeout(timer);
        subscription.dispose();
        resolve(status);
      }
    });
  });
}

/** True when the server is running (after starting it if needed); else explains why not. */
export async function requireServer(server: MetaflowServer, hint?: vscode.Uri): Promise<boolean> {
  if (server.status.state === 'stopped' && server.status.reason === undefined) {
    await server.ensureStarted(hint);
  }
  const status = await settled(server);
  if (status.state === 'running') {
    return true;
  }
  const why = status.reason ?? (status.state === 'starting' ? 'it is still starting.' : `it is ${status.state}.`);
  const restart = 'Restart Server';
  const output = 'Show Output';
  void vscode.window
    .showErrorMessage(`The Metaflow language server is not running: ${why}`, restart, output)
    .then((choice) => {
      if (choice === restart) {
        void vscode.commands.executeCommand(Commands.restartServer);
      } else if (choice === output) {
        void vscode.commands.executeCommand(Commands.showOutput);
      }
    });
  return false;
}
