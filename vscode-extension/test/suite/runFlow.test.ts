/**
 * Running a flow from the editor in a real extension host: the demo flow launched through
 * the run flow API (what the form's Run button does) with a bad value first, then with
 * epochs 1; its output reaches a terminal of its own (renamed after the run), the DAG
 * panel draws it, the run succeeds, and the Runs view shows it. Then Cancel (what the
 * progress notification's Cancel button calls) on a long run, and "Resume from Failed Step"
 * on the demo's failed `sweep` run in the Runs view.
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
    // The pseudoterminal is renamed after the run; depending on timing the API shows the
    // name it was created with or the new one.
    const names = vscode.window.terminals.map((t) => t.name);
    assert.ok(names.includes(`Metaflow: ${demo.flow}`) || names.includes(done.terminalName), names.join(', '));

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

  test('Cancel stops a running run, and the session says it was cancelled', async function () {
    this.timeout(240_000);
    // 4,000 epochs keep each train task busy for many seconds.
    const answer = await api.runFlow.launch(demo.uri.toString(), demo.flow, { ...VALUES, params: { epochs: 4000 } });
    assert.ok(answer.launchId, JSON.stringify(answer));
    await waitFor('the run to start its tasks', () =>
      api.runFlow.sessions().find((s) => s.launchId === answer.launchId && s.run !== null && s.status === 'running'),
    120_000);
    assert.equal(await api.runFlow.cancel(answer.launchId), true);
    const ended = await waitFor('the cancelled run to end', () =>
      api.runFlow.sessions().find((s) => s.launchId === answer.launchId && s.exitCode !== null),
    60_000);
    assert.equal(ended.cancelled, true, JSON.stringify(ended));
    assert.notEqual(ended.exitCode, 0);
  });

  test('"Resume from Failed Step" on the failed sweep run starts a resume that the Runs view shows as resumed', async function () {
    this.timeout(300_000);
    const flows = await api.runs.children();
    const flow = flows.find((i) => i.label === demo.flow);
    assert.ok(flow, flows.map((f) => f.label).join(', '));
    const runs = await api.runs.children(flow.id);
    const failed = runs.find((r) => r.contextValue === 'run.failed' && (r.description ?? '').includes('sweep'));
    assert.ok(failed, `a failed sweep run among ${runs.map((r) => `${r.label} ${r.description}`).join('; ')}`);
    const before = new Set(api.runFlow.sessions().map((s) => s.launchId));

    await vscode.commands.executeCommand('metaflow.runs.resume', api.runs.node(failed.id));
    const resumed = await waitFor('the resume to end', () =>
      api.runFlow.sessions().find((s) => !before.has(s.launchId) && s.exitCode !== null),
    240_000);
    // train diverges at learning rate 50 again, so the resumed run fails in the same step.
    assert.notEqual(resumed.exitCode, 0);
    assert.match(resumed.run ?? '', new RegExp(`^${demo.flow}/\\d+$`));
    const newId = (resumed.run ?? '').split('/')[1];
    assert.notEqual(newId, failed.label);
    const item = await waitFor('the resumed run in the Runs view', async () => {
      api.runs.refresh();
      return (await api.runs.children(flow.id)).find((r) => r.label === newId);
    });
    assert.match(item.tooltip ?? item.description ?? '', new RegExp(`resumed from run ${failed.label}`));
  });
});
