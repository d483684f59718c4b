/** `metaflow.restartServer` and `metaflow.showOutput`. */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import type { MetaflowServer } from '../common/server';

export function registerServerCommands(server: MetaflowServer, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      log.info('Restart requested by the user.');
      await server.restart();
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => log.show(true)),
  ];
}
