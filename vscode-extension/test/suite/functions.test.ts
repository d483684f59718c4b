/**
 * "Deploy as function" in a real extension host, on the demo workspace's function
 * (functions/predict.py: `{"y": w * x + b}` from a TrainingFlow task's `model`) and the
 * demo's TrainingFlow runs that tests/e2e/extension-host.e2e.mjs makes. The deployments are
 * real: the language server binds the function and runs it in its own process (call) or
 * behind a FastAPI server (serve). The expected answers are computed here from the model
 * artifact as the Runs view shows it, not from the function.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FunctionsApi, MetaflowStudioApi } from '../../src/api';
import { DEPLOY_FUNCTION_COMMAND } from '../../src/common/functionsProtocol';
import type { FunctionPanelState } from '../../src/views/functionPanelState';
import { extensionApi, waitFor } from './helpers';

/** Building the function's environment the first time can take minutes on a loaded machine. */
const DEPLOY_TIMEOUT_MS = 480_000;

async function demoFunction(): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles('functions/predict.py', '{**/.venv/**,**/node_modules/**}', 1);
  assert.ok(uri, 'the demo workspace has functions/predict.py');
  return uri;
}

/** The (w, b) of a task's `model` artifact, read through the Runs view (its preview lines). */
async function modelOf(api: MetaflowStudioApi, pathspec: string): Promise<[number, number]> {
  const [flow, run, step, task] = pathspec.split('/');
  const child = async (id: string | undefined, label: string): Promise<string> => {
    const items = await api.runs.children(id);
    const found = items.find((i) => i.label === label);
    assert.ok(found, `no ${label} under ${id ?? 'the top'}: ${items.map((i) => i.label).join(', ')}`);
    return found.id;
  };
  let id = await waitFor(`${flow} in the Runs view`, async () => (await api.runs.children()).find((i) => i.label === flow)?.id, 90_000);
  for (const label of [run, step, `${step}/${task}`, 'model']) {
    id = await child(id, label ?? '');
  }
  const preview = (await api.runs.children(id)).map((i) => i.label).join(' ');
  // The preview is `tuple 2 (w, b)`: the numbers inside the parentheses.
  const pair = /\(([^)]*)\)/.exec(preview)?.[1] ?? '';
  const numbers = pair.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi)?.map(Number) ?? [];
  assert.equal(numbers.length, 2, `model of ${pathspec} is a (w, b) pair: ${preview}`);
  return [numbers[0] as number, numbers[1] as number];
}

/** Deploys through the command with every choice given; resolves once its panel showed it ready. */
async function deploy(functions: FunctionsApi, request: object): Promise<FunctionPanelState> {
  const started = await vscode.commands.executeCommand<{ deployment_id: string } | undefined>(DEPLOY_FUNCTION_COMMAND, request);
  assert.ok(started, `the command started a deployment for ${JSON.stringify(request)}`);
  const id = started.deployment_id;
  return waitFor(
    `deployment ${id} to be ready in its panel`,
    () => {
      const panel = functions.panels().find((p) => p.deployment_id === id);
      if (panel?.state.stage === 'failed') throw new Error(`the deployment failed: ${JSON.stringify(panel.state.error)} (${panel.state.message})`);
      return panel?.ready === true && panel.state.stage === 'ready' ? panel.state : undefined;
    },
    DEPLOY_TIMEOUT_MS,
  );
}

suite('Deploy as function on the demo runs', () => {
  let api: MetaflowStudioApi;
  let uri: vscode.Uri;
  let task: string;
  let model: [number, number];

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await extensionApi();
    uri = await demoFunction();
    // Opening a file that defines a function starts the server (no FlowSpec in it).
    await vscode.window.showTextDocument(uri);
    await waitFor('the language server', () => api.serverState() === 'running', 120_000);
    await vscode.commands.executeCommand('workbench.view.extension.metaflow');
    const { tasks, suggested } = await waitFor(
      'a suggested task for predict',
      async () => {
        const answer = await api.functions.tasks(uri.toString(), 'predict');
        return answer.suggested === null ? undefined : answer;
      },
      90_000,
    );
    assert.ok(suggested);
    task = suggested;
    const offered = tasks.find((t) => t.pathspec === suggested);
    assert.equal(offered?.run_status, 'succeeded');
    assert.deepEqual(offered?.missing, []);
    model = await modelOf(api, task);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a test call on the suggested task answers w*x+b through the panel, and closing the panel stops it', async function () {
    this.timeout(DEPLOY_TIMEOUT_MS + 60_000);
    const state = await deploy(api.functions, { uri: uri.toString(), function: 'predict', task, target: 'call' });
    assert.equal(state.function, 'predict');
    assert.equal(state.task, task);
    assert.ok(state.reference !== null && JSON.parse(state.reference) !== null, 'the panel has the portable reference');
    assert.deepEqual(state.input_example, { x: 0 }, 'the editor starts from an example built from the input type');

    const [w, b] = model;
    for (const x of [3, -1.5]) {
      const record = await api.functions.send(state.deployment_id, { x });
      assert.equal(record.status, 200, JSON.stringify(record));
      const answer = record.answer as { y: number };
      assert.ok(Math.abs(answer.y - (w * x + b)) <= 1e-9 * Math.max(1, Math.abs(w * x + b)), `y(${x}) = ${answer.y}, expected ${w * x + b}`);
      assert.ok(record.elapsed_ms !== null && record.elapsed_ms >= 0);
    }
    // A body the input type refuses: 422 naming the field, in the panel's answer.
    const bad = await api.functions.send(state.deployment_id, { z: 1 });
    assert.equal(bad.status, 422, JSON.stringify(bad));
    assert.match(JSON.stringify(bad.answer), /\bx\b/);
    const panel = api.functions.panels().find((p) => p.deployment_id === state.deployment_id);
    assert.deepEqual(panel?.state.history.map((r) => r.status), [422, 200, 200], 'the history, newest first');

    api.functions.closePanel(state.deployment_id);
    await waitFor('the deployment to stop with its panel', () => api.functions.state(state.deployment_id)?.stage === 'stopped', 30_000);
    const after = await api.functions.send(state.deployment_id, { x: 1 });
    assert.equal(after.status, null);
    assert.match(after.error ?? '', /not ready \(stopped\)/);
  });

  test('a serve deployment answers over HTTP and lists its route from the OpenAPI document', async function () {
    this.timeout(DEPLOY_TIMEOUT_MS + 60_000);
    const state = await deploy(api.functions, { uri: uri.toString(), function: 'predict', task, target: 'serve', options: { port: 0 } });
    assert.ok(state.url !== null && /^http:\/\/127\.0\.0\.1:\d+/.test(state.url), `a loopback URL: ${state.url}`);
    const paths = (state.openapi as { paths?: Record<string, unknown> } | null)?.paths ?? {};
    assert.ok('/predict' in paths, `the OpenAPI document has /predict: ${Object.keys(paths).join(', ')}`);

    const [w, b] = model;
    const response = await fetch(`${state.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 2 }) });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { y: number };
    assert.ok(Math.abs(answer.y - (2 * w + b)) <= 1e-9 * Math.max(1, Math.abs(2 * w + b)), `y(2) = ${answer.y}, expected ${2 * w + b}`);
    // The panel's Send goes to the same server.
    const record = await api.functions.send(state.deployment_id, { x: 2 });
    assert.equal(record.status, 200);
    assert.deepEqual(record.answer, answer);

    assert.equal(await api.functions.stop(state.deployment_id), true);
    await waitFor('the server to stop', () => api.functions.state(state.deployment_id)?.stage === 'stopped', 30_000);
    await assert.rejects(fetch(`${state.url}/health`), 'nothing answers on the URL after Stop');
    api.functions.closePanel(state.deployment_id);
  });

  test('a task that lacks the model is refused, naming the artifact', async function () {
    this.timeout(DEPLOY_TIMEOUT_MS);
    const [flow, run] = task.split('/');
    const runId = (await api.runs.children((await api.runs.children()).find((i) => i.label === flow)?.id)).find((i) => i.label === run)?.id;
    const startStep = (await api.runs.children(runId)).find((i) => i.label === 'start')?.id;
    const startTask = (await api.runs.children(startStep))[0];
    assert.ok(startTask, `the start task of ${flow}/${run}`);
    const pathspec = `${flow}/${run}/${startTask.label}`;
    const { tasks } = await api.functions.tasks(uri.toString(), 'predict');
    const listed = tasks.find((t) => t.pathspec === pathspec);
    const started = await vscode.commands.executeCommand<{ deployment_id: string } | undefined>(DEPLOY_FUNCTION_COMMAND, {
      uri: uri.toString(),
      function: 'predict',
      task: pathspec,
      target: 'call',
    });
    if (listed !== undefined) {
      // Offered as lacking `model`: the command explains and deploys nothing.
      assert.deepEqual(listed.missing, ['model']);
      assert.equal(started, undefined);
      return;
    }
    // Not offered at all: the server binds it and fails at bind time, naming what is missing.
    assert.ok(started, 'a deployment was started');
    const failed = await waitFor('the bind to fail', () => {
      const state = api.functions.state(started.deployment_id);
      return state?.stage === 'failed' ? state : undefined;
    }, DEPLOY_TIMEOUT_MS);
    assert.match(`${failed.error?.message ?? ''} ${failed.message}`, /model/);
    api.functions.closePanel(started.deployment_id);
  });
});
