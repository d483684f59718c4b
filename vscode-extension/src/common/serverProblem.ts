/**
 * The notification shown when the server cannot start: which interpreter, what it lacks,
 * and buttons that fix it (pick another interpreter, copy the install command, see the log).
 */
import { PVSC_EXTENSION_ID } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { Commands, SERVER_DISTRIBUTION } from './constants';
import type { Interpreter } from './interpreter';
import { errorMessage, type Log } from './log';

const SELECT_INTERPRETER = 'Select Interpreter';
const OPEN_SETTING = 'Set metaflow.pythonPath';
const COPY_INSTALL = 'Copy Install Command';
const SHOW_OUTPUT = 'Show Output';

export function installCommand(interpreter: Interpreter | undefined): string {
  const python = interpreter?.path ?? 'python3';
  const quoted = /^[\w./-]+$/.test(python) ? python : `"${python}"`;
  return `${quoted} -m pip install ${SERVER_DISTRIBUTION}`;
}

/** Shows the problem without blocking the caller; the chosen button runs asynchronously. */
export function showServerProblem(reason: string, interpreter: Interpreter | undefined, log: Log): void {
  const hasPythonExtension = vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
  const pick = hasPythonExtension ? SELECT_INTERPRETER : OPEN_SETTING;
  // Notifications render [text](link) as links; the reason quotes paths and Python's stderr.
  const message =
    `Metaflow Studio: ${reason.replace(/[[\]]/g, '')} Install the server into that interpreter ` +
    `(pip install ${SERVER_DISTRIBUTION}) or choose another interpreter.`;
  void vscode.window.showErrorMessage(message, pick, COPY_INSTALL, SHOW_OUTPUT).then(
    async (choice) => {
      if (choice === SELECT_INTERPRETER) {
        await vscode.commands.executeCommand('python.setInterpreter');
      } else if (choice === OPEN_SETTING) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'metaflow.pythonPath');
      } else if (choice === COPY_INSTALL) {
        await vscode.env.clipboard.writeText(installCommand(interpreter));
        void vscode.window.showInformationMessage(
          `Copied "${installCommand(interpreter)}". Run it in a terminal, then run "Metaflow: Restart Language Server".`,
        );
      } else if (choice === SHOW_OUTPUT) {
        await vscode.commands.executeCommand(Commands.showOutput);
      }
    },
    (error: unknown) => log.error(`Showing the server problem failed: ${errorMessage(error)}`),
  );
}
