/**
 * Running a flow from the editor in a real extension host: the demo flow launched through
 * the run flow API (what the form's Run button does) with a bad value first, then with
 * epochs 1; its output reaches a terminal of its own (renamed after the run), the DAG
 * panel draws it, the run succeeds, and the Runs view shows it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MetaflowStudioApi } from '../../src/api';
import { extensionApi, findDemoFlow, waitFor, type DemoFlow } from './helpers';

const VALUES = { tags: ['in-host'], max_workers: null, with_specs: [], target: 'local', target_options: {} };

suite('Run flow', () => {
  let api: MetaflowStudioApi;
  let demo: DemoFlow;

  suiteSetup(async () => {
    api = await extensionApi();
    demo = await findDemoFlow();
    await vscode.window.showTextDocument(demo.uri, { viewColumn: vscode.ViewColumn.One });
    await waitFor('the language server', () => api.serverState() === 'running', 60_000);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a bad value comes back for its field and starts nothing', async () => {
    const answer = await api.runFlow.launch(demo.uri.toString(), demo.flow, { ...VALUES, params: { epochs: 'many' } });
    assert.ok(answer.errors, JSON.stringify(answer));
    assert.match(answer.errors.epochs ?? '', /whole number/);
    assert.equal(api.runFlow.sessions().length, 0);
  });

  test('the demo flow runs to success, drawn on the DAG and listed in the Runs view', async function () {
    this.timeout(300_000);
    await vscode.commands.executeCommand('metaflow.showDag', demo.uri, null, demo.flow);
    await waitFor('the DAG of the demo flow', () => api.dagPanel()?.flow === demo.flow);

    const answer = await api.runFlow.launch(demo.uri.toString(), demo.flow, { ...VALUES, params: { epochs: 1 } });
    assert.ok(answer.launchId, JSON.stringify(answer));
    const done = await waitFor(
      'the run to end',
      () => api.runFlow.sessions().find((s) => s.launchId === answer.launchId && s.exitCode !== null),
      240_000,
    );
    assert.equal(done.exitCode, 0, JSON.stringify(done));
    assert.match(done.run ?? '', new RegExp(`^${demo.flow}/\\d+$`));
    assert.ok(done.lines > 10, `only ${done.lines} output lines`);
    assert.equal(done.terminalName, `Metaflow: ${done.run}`);
    // The pseudoterminal is renamed after the run; the API keeps the name it was created with.
    const names = vscode.window.terminals.map((t) => t.name);
    assert.ok(names.includes(`Metaflow: ${demo.flow}`), names.join(', '));

    const drawn = await waitFor('the DAG to draw the finished run', () => {
      const run = api.dagPanel()?.run;
      return run?.run === done.run && run.status === 'succeeded' ? run : undefined;
    });
    assert.equal(drawn.status, 'succeeded');

    const runId = (done.run ?? '').split('/')[1];
    const item = await waitFor('the run in the Runs view', async () => {
      const flows = await api.runs.children();
      const flow = flows.find((i) => i.label === demo.flow);
      const runs = flow ? await api.runs.children(flow.id) : [];
      return runs.find((r) => r.label === runId && r.contextValue === 'run.succeeded');
    });
    assert.match(item.description ?? '', /in-host/);
  });
});
