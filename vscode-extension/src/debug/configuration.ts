/**
 * Turns a `metaflow` debug configuration (flowFile, mode, step, task: what launch.json and
 * "Debug step" say) into debugpy's launch arguments, by asking the language server for
 * the plan (`metaflow/debugPlan`): which task to re-execute, where, with which interpreter.
 * What cannot start gets an actionable message instead: a missing module with an
 * "Install" button, a step that cannot be spun with the reason, no run yet with "Debug Run".
 */
import * as vscode from 'vscode';
import { requireServer } from '../commands/requireServer';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import { DEBUG_TYPE, type DebugMode, type DebugPlanParams, type DebugPlanResult, type InterpreterProblem } from './protocol';

const DEBUG_RUN = 'Debug Run';
const INSTALL = 'Install';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Runs `pip install` for the missing modules in a terminal, in that interpreter. */
function offerInstall(problems: InterpreterProblem[]): void {
  const what = problems.map((p) => p.message).join('; ');
  void vscode.window.showErrorMessage(`Metaflow: cannot debug: ${what}. Install with pip in that interpreter?`, INSTALL).then((choice) => {
    if (choice !== INSTALL) {
      return;
    }
    const terminal = vscode.window.createTerminal({ name: 'Metaflow: install' });
    terminal.show();
    for (const problem of problems) {
      terminal.sendText(problem.install.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));
    }
  });
}

export class MetaflowDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly server: MetaflowServer,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** F5 without launch.json: debug the active flow file as a whole run. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (configuration.type === undefined && configuration.request === undefined) {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.languageId !== 'python') {
        void vscode.window.showWarningMessage('Metaflow: open a flow file, or use the "Debug step" lens above a step.');
        return undefined;
      }
      return { type: DEBUG_TYPE, request: 'launch', name: 'Metaflow: debug run', flowFile: document.uri.fsPath, mode: 'run' };
    }
    return configuration;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (configuration.request === 'attach') {
      return configuration; // a child process: debugpy's attach body as it came
    }
    const flowFile = text(configuration.flowFile);
    if (flowFile === undefined) {
      void vscode.window.showErrorMessage('Metaflow: this debug configuration has no "flowFile" (the flow\'s .py file).');
      return undefined;
    }
    const uri = vscode.Uri.file(flowFile);
    const mode = text(configuration.mode) as DebugMode | undefined;
    const params: DebugPlanParams = { uri: uri.toString() };
    for (const key of ['step', 'task', 'flow'] as const) {
      const value = text(configuration[key]);
      if (value !== undefined) {
        params[key] = value;
      }
    }
    if (mode !== undefined) {
      params.mode = mode;
    }
    if (!(await requireServer(this.server, uri))) {
      return undefined;
    }
    let result: DebugPlanResult;
    try {
      result = await this.server.request('metaflow/debugPlan', params);
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: cannot debug ${params.step ?? 'the flow'}: ${errorMessage(error)}`);
      return undefined;
    }
    if (result.problems.length > 0) {
      offerInstall(result.problems);
      return undefined;
    }
    if (result.plan.mode === 'run' && mode !== 'run') {
      const choice = await vscode.window.showInformationMessage(`Metaflow: ${result.plan.why}.`, DEBUG_RUN);
      if (choice !== DEBUG_RUN) {
        return undefined;
      }
    }
    const where = result.plan.forks === null ? 'in the launched process' : `in spin's child process, since ${result.plan.forks}`;
    this.log.info(`Debug: ${result.plan.why}, ${where}: ${result.python} ${result.plan.program} ${result.plan.args.join(' ')} (in ${result.cwd}).`);
    vscode.window.setStatusBarMessage(`Metaflow: debugging ${result.plan.why}`, 10_000);
    return { ...configuration, ...result.launch, type: DEBUG_TYPE, request: 'launch', name: configuration.name };
  }
}
