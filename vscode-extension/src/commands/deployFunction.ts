/**
 * "Metaflow: Deploy as function" (issue 6, docs/vscode-extension.md "Deploy as function"):
 * pick a `@json_function` of the workspace, a task to bind it to (the suggested one first),
 * a target (a test call in a local process, a FastAPI server, a Ray batch over a JSON Lines
 * file); then a cancellable progress notification follows the deployment and its panel opens.
 * The code lens above a function passes `[uri, name]`; "Deploy Function on This Task" on a
 * Runs tree task passes the task; scripts and tests pass the whole request and skip every
 * picker. The language server does the work (functionsProtocol.ts); this side asks and shows.
 */
import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import {
  DEPLOY_FUNCTION_COMMAND,
  FunctionRequests,
  type DeployTarget,
  type FunctionInfo,
  type FunctionResults,
  type FunctionTask,
} from '../common/functionsProtocol';
import { errorMessage } from '../common/log';
import type { MetaflowServer } from '../common/server';
import { FunctionPanels, type FunctionPanelInfo } from '../views/functionPanel';
import type { FunctionPanelState, RequestRecord } from '../views/functionPanelState';
import type { RunsNode } from '../views/runsTreeItems';
import { cannotBind, defaultOutputFile, functionItems, parseDeployArgs, TARGET_LABELS, targetItems, taskItems, type DeployDraft, type Pick } from './deployPicks';
import { ProgressBook } from './deployProgress';
import { FunctionDeployments, type Deployment } from './functionDeployments';
import { requireServer } from './requireServer';

/** The Runs tree's context-menu entry on a task item. */
export const DEPLOY_ON_TASK_COMMAND = 'metaflow.runs.deployFunction';

/** What in-host tests (and other extensions) reach through the extension's API. */
export interface FunctionsApi {
  /** The open function panels, oldest first, with their deployments' state. */
  panels(): FunctionPanelInfo[];
  /** A deployment started in this window (its panel open or not). */
  state(deploymentId: string): FunctionPanelState | undefined;
  /** The tasks the task picker offers for a function (`metaflow/functionTasks`). */
  tasks(uri: string, fn: string): Promise<FunctionResults['metaflow/functionTasks']>;
  /** Sends `body` to a deployment exactly as the panel's Send does; resolves with the answered record. */
  send(deploymentId: string, body: unknown): Promise<RequestRecord>;
  /** Stops a deployment (as the panel's Stop does); true when the server stopped it. */
  stop(deploymentId: string): Promise<boolean>;
  /** Closes a deployment's panel (which stops the deployment). */
  closePanel(deploymentId: string): void;
}

export interface DeployFunctionDeps {
  extensionUri: vscode.Uri;
  server: MetaflowServer;
  log: vscode.LogOutputChannel;
  /** The Runs view's selection, for the task entry run from the palette. */
  selection(): readonly RunsNode[];
}

class Cancelled extends Error {}

/** `items` in a quick pick; throws Cancelled when it is dismissed. */
async function choose<T>(items: Pick<T>[], title: string, placeHolder: string): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (picked === undefined) throw new Cancelled();
  return picked.value;
}

async function chooseFunction(server: MetaflowServer, draft: DeployDraft): Promise<FunctionInfo> {
  const { functions } = await server.functions(FunctionRequests.listFunctions, draft.uri === undefined ? {} : { uri: draft.uri });
  if (draft.function !== undefined) {
    const named = functions.find((f) => f.name === draft.function && (draft.uri === undefined || f.uri === draft.uri));
    if (named === undefined) {
      throw new Error(`No @json_function named ${draft.function} in ${draft.uri ?? 'the workspace'}: is it decorated with @json_function and saved?`);
    }
    return named;
  }
  if (functions.length === 0) {
    throw new Error('No @json_function in this workspace. Decorate a function with @json_function (from metaflow import json_function) to deploy it.');
  }
  return choose(functionItems(functions), 'Metaflow: Deploy as function (1/3)', 'The function to deploy');
}

async function chooseTask(server: MetaflowServer, fn: FunctionInfo, given: string | undefined): Promise<string> {
  const { tasks, suggested } = await server.functions(FunctionRequests.functionTasks, { uri: fn.uri, function: fn.name });
  if (given !== undefined) {
    const listed = tasks.find((t) => t.pathspec === given);
    const why = listed === undefined ? null : cannotBind(listed);
    if (why !== null) throw new Error(`${fn.name} cannot be bound to ${why}`);
    return given; // not listed (older than the runs offered): binding says what is wrong, if anything
  }
  if (tasks.length === 0) {
    throw new Error(`No task to bind ${fn.name} to: run the flow that produces ${fn.reads?.join(', ') ?? 'its artifacts'} first.`);
  }
  const items = taskItems(tasks, suggested);
  for (;;) {
    const task: FunctionTask = await choose(items, `Metaflow: Deploy ${fn.name} (2/3)`, 'The task whose artifacts the function reads');
    const why = cannotBind(task);
    if (why === null) return task.pathspec;
    // Picking a task that cannot be bound says why, then offers the list again.
    await vscode.window.showWarningMessage(`Metaflow: ${fn.name} cannot be bound to ${why} Pick a task that has them.`, { modal: true });
  }
}

async function chooseInputFile(fn: FunctionInfo): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    title: `JSON Lines records for ${fn.name}`,
    canSelectMany: false,
    defaultUri: vscode.Uri.joinPath(vscode.Uri.parse(fn.uri), '..'),
    filters: { 'JSON Lines': ['jsonl', 'ndjson'], 'All files': ['*'] },
    openLabel: 'Run the batch on this file',
  });
  if (picked?.[0] === undefined) throw new Cancelled();
  return picked[0].fsPath;
}

/** The progress notification of `deployment`, until it is ready, done, failed or stopped. */
async function followProgress(deployment: Deployment, target: DeployTarget): Promise<void> {
  const book = new ProgressBook(target);
  const name = deployment.request.function.name;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Metaflow: ${name} · ${TARGET_LABELS[target]}`, cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve) => {
        const subscriptions: vscode.Disposable[] = [];
        const finish = (): void => {
          for (const s of subscriptions) s.dispose();
          resolve();
        };
        const update = (): void => {
          const step = book.update(deployment.state);
          progress.report(step.increment === undefined ? { message: step.message } : { message: step.message, increment: step.increment });
          if (step.finished) finish();
        };
        subscriptions.push(
          deployment.onDidChange(update),
          token.onCancellationRequested(() => {
            finish();
            deployment.stop().catch((error: unknown) => void vscode.window.showErrorMessage(`Metaflow: could not stop ${name}: ${errorMessage(error)}`));
          }),
        );
        update();
      }),
  );
  const { state } = deployment;
  if (state.stage === 'failed') {
    const output = 'Show Output';
    const choice = await vscode.window.showErrorMessage(`Metaflow: ${name} could not be deployed: ${state.error?.message ?? state.message}`, output);
    if (choice === output) await vscode.commands.executeCommand(Commands.showOutput);
  } else if (state.stage === 'done' && state.output_file !== null) {
    await vscode.window.showTextDocument(vscode.Uri.file(state.output_file), { preview: false });
  }
}

/** The URI string of an argument that may be a vscode.Uri (the code lens passes one or a string). */
function plainArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (arg instanceof vscode.Uri ? arg.toString() : arg));
}

export function registerDeployFunction(deps: DeployFunctionDeps): { disposables: vscode.Disposable[]; api: FunctionsApi } {
  const { server, log } = deps;
  const deployments = new FunctionDeployments(server, log);
  const panels = new FunctionPanels(deps.extensionUri, log);

  const deploy = async (draft: DeployDraft): Promise<{ deployment_id: string } | undefined> => {
    const hint = draft.uri === undefined ? vscode.window.activeTextEditor?.document.uri : vscode.Uri.parse(draft.uri);
    if (!(await requireServer(server, hint))) return undefined;
    try {
      const fn = await chooseFunction(server, draft);
      const task = await chooseTask(server, fn, draft.task);
      const target = draft.target ?? (await choose(targetItems(fn), `Metaflow: Deploy ${fn.name} (3/3)`, 'Where it runs'));
      const options = { ...draft.options };
      if (target === 'batch') {
        options.input_file ??= await chooseInputFile(fn);
        options.output_file ??= defaultOutputFile(options.input_file);
      }
      const deployment = await deployments.start({ uri: fn.uri, function: fn, task, target, options });
      panels.open(deployment);
      void followProgress(deployment, target).catch((error: unknown) => log.error(`Progress of ${deployment.id}: ${errorMessage(error)}`));
      return { deployment_id: deployment.id };
    } catch (error) {
      if (error instanceof Cancelled) return undefined;
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
      return undefined;
    }
  };

  const deployGiven = (...args: unknown[]): Promise<{ deployment_id: string } | undefined> => {
    try {
      return deploy(parseDeployArgs(plainArgs(args)));
    } catch (error) {
      void vscode.window.showErrorMessage(`Metaflow: ${errorMessage(error)}`);
      return Promise.resolve(undefined);
    }
  };

  const deployOnTask = (arg?: unknown): Promise<{ deployment_id: string } | undefined> => {
    const node = typeof arg === 'object' && arg !== null && 'kind' in arg ? arg : deps.selection()[0];
    const draft = parseDeployArgs([node]);
    if (draft.task === undefined) {
      void vscode.window.showWarningMessage('Metaflow: select a task in the Runs view to deploy a function on it.');
      return Promise.resolve(undefined);
    }
    return deploy(draft);
  };

  const deployment = (id: string): Deployment => {
    const found = deployments.get(id);
    if (found === undefined) throw new Error(`No deployment ${id} in this window.`);
    return found;
  };

  return {
    disposables: [
      vscode.commands.registerCommand(DEPLOY_FUNCTION_COMMAND, deployGiven),
      vscode.commands.registerCommand(DEPLOY_ON_TASK_COMMAND, deployOnTask),
      panels,
      deployments,
    ],
    api: {
      panels: () => panels.list(),
      state: (id) => deployments.get(id)?.state,
      tasks: async (uri, fn) => {
        await server.ensureStarted(vscode.Uri.parse(uri));
        return server.functions(FunctionRequests.functionTasks, { uri, function: fn });
      },
      send: (id, body) => deployment(id).send(body),
      stop: (id) => deployment(id).stop(),
      closePanel: (id) => panels.close(id),
    },
  };
}
