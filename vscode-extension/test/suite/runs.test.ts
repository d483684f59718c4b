/**
 * The Runs view, log and failure documents and the card panel in a real extension host, on
 * the two QueryFlow runs that tests/e2e/extension-host.e2e.mjs makes in the workspace
 * (`nightly` succeeded with a retry; `broken` failed at work[4] on both attempts).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import type { ItemSpec, MetaflowStudioApi } from '../../src/api';
import { Commands } from '../../src/common/constants';
import { extensionApi, waitFor } from './helpers';

function find(items: ItemSpec[], what: string, predicate: (item: ItemSpec) => boolean): ItemSpec {
  const found = items.find(predicate);
  assert.ok(found, `no ${what} among ${JSON.stringify(items.map((i) => `${i.label} (${i.contextValue})`))}`);
  return found;
}

suite('Runs view on real runs', () => {
  let api: MetaflowStudioApi;
  let flow: ItemSpec;
  let okRun: ItemSpec;
  let failedRun: ItemSpec;

  suiteSetup(async () => {
    api = await extensionApi();
    await api.runs.setFilter({});
    await vscode.commands.executeCommand('workbench.view.extension.metaflow');
    const top = await waitFor(
      'QueryFlow in the Runs view',
      async () => {
        const items = await api.runs.children();
        return items.some((i) => i.label === 'QueryFlow') ? items : undefined;
      },
      90_000,
    );
    flow = find(top, 'QueryFlow flow item', (i) => i.label === 'QueryFlow');
  });

  suiteTeardown(async () => {
    await api.runs.setFilter({});
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('flows -> runs, each with its status icon and tags', async () => {
    assert.equal(flow.contextValue, 'flow');
    const runs = await api.runs.children(flow.id);
    assert.equal(runs.length, 2, JSON.stringify(runs));
    okRun = find(runs, 'succeeded run', (i) => i.contextValue === 'run.succeeded');
    failedRun = find(runs, 'failed run', (i) => i.contextValue === 'run.failed');
    assert.equal(okRun.icon?.id, 'check');
    assert.equal(failedRun.icon?.id, 'error');
    assert.match(okRun.description ?? '', /nightly/);
    assert.match(failedRun.description ?? '', /broken/);
  });

  test('runs -> steps with task counts -> tasks, failed first with its attempt', async () => {
    const steps = await api.runs.children(failedRun.id);
    assert.deepEqual(
      steps.map((s) => s.label).filter((l) => l !== 'join' && l !== 'end'),
      ['start', 'work'],
    );
    const work = find(steps, 'work step', (s) => s.label === 'work');
    assert.equal(work.contextValue, 'step.failed');
    // work[4] fails for good; under load Metaflow may also kill siblings still running then
    const failedCount = Number(/^6 tasks · (\d+) failed/.exec(work.description ?? '')?.[1]);
    assert.ok(failedCount >= 1, work.description);
    const tasks = await api.runs.children(work.id);
    assert.equal(tasks.length, 6);
    const statuses = tasks.map((t) => t.contextValue);
    assert.deepEqual(statuses, [...Array(failedCount).fill('task.failed'), ...Array(6 - failedCount).fill('task.succeeded')]);
    assert.ok(tasks.some((t) => t.description === 'attempt 1 · failed'), 'work[4] failed on its retry');
  });

  test('tasks -> artifacts with size and type -> an inline preview', async () => {
    const steps = await api.runs.children(okRun.id);
    const start = find(steps, 'start step', (s) => s.label === 'start');
    const [task] = await api.runs.children(start.id);
    assert.ok(task);
    const artifacts = await api.runs.children(task.id);
    const names = artifacts.map((a) => a.label);
    for (const name of ['items', 'config', 'note', 'frame', 'matrix']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    const frame = find(artifacts, 'frame artifact', (a) => a.label === 'frame');
    assert.match(frame.description ?? '', / · DataFrame$/);
    const preview = await api.runs.children(frame.id);
    assert.equal(preview[0]?.label, 'DataFrame 50 × 2');
    assert.ok(preview.some((line) => /score/.test(line.label)), JSON.stringify(preview.map((p) => p.label)));
  });

  test('"Open logs" shows the task log in a read-only document', async () => {
    const steps = await api.runs.children(failedRun.id);
    const work = find(steps, 'work step', (s) => s.label === 'work');
    const tasks = await api.runs.children(work.id);
    const failedTask = find(tasks, 'work[4] (failed on its retry)', (t) => t.description === 'attempt 1 · failed');
    await vscode.commands.executeCommand(Commands.openStderr, api.runs.node(failedTask.id));
    const editor = await waitFor('the log editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'metaflow-log' ? active : undefined;
    });
    const text = editor.document.getText();
    assert.match(text, /^# QueryFlow\/\d+\/work\/\d+ · stderr · attempt 1/);
    assert.match(text, /work item 4 on stderr/);
    assert.match(text, /item 4 cannot be processed/);
  });

  test('"Show failure" shows the exception with links to the flow source', async () => {
    await vscode.commands.executeCommand(Commands.showFailure, api.runs.node(failedRun.id));
    const editor = await waitFor('the failure editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'metaflow-failure' ? active : undefined;
    });
    assert.match(editor.document.getText(), /RuntimeError: item 4 cannot be processed/);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', editor.document.uri);
    assert.ok(
      links.some((l) => l.target?.path.endsWith('/query_flow.py')),
      JSON.stringify(links.map((l) => l.target?.toString())),
    );
  });

  test('the filter narrows the runs and shows in the view', async () => {
    await api.runs.setFilter({ status: 'failed' });
    const runs = await api.runs.children(flow.id);
    assert.deepEqual(runs.map((r) => r.contextValue), ['run.failed']);
    await api.runs.setFilter({ tag: 'no-such-tag' });
    const none = await api.runs.children(flow.id);
    assert.equal(none.length, 1);
    assert.match(none[0]?.label ?? '', /No runs match the filter \(tag no-such-tag\)/);
    await api.runs.setFilter({});
    assert.equal((await api.runs.children(flow.id)).length, 2);
  });

  test('"Reveal Step in Flow File" selects the step in query_flow.py; "Show Step in DAG" highlights it', async () => {
    const steps = await api.runs.children(okRun.id);
    const work = find(steps, 'work step', (s) => s.label === 'work');
    await vscode.commands.executeCommand(Commands.revealStep, api.runs.node(work.id));
    const editor = await waitFor('query_flow.py in an editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.path.endsWith('/query_flow.py') ? active : undefined;
    });
    assert.equal(editor.document.getText(editor.selection), 'work');
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /def work\(self\)/);
    await vscode.commands.executeCommand(Commands.showStepInDag, api.runs.node(work.id));
    await waitFor('the DAG to highlight work', () => api.dagPanel()?.highlighted === 'work');
    assert.equal(api.dagPanel()?.flow, 'QueryFlow');
  });

  test('"Show latest card" opens the end step card in a panel', async () => {
    await vscode.commands.executeCommand(Commands.showLatestCard, 'QueryFlow', 'end');
    const panel = await waitFor('the card panel', () => api.runs.cardPanel());
    assert.match(panel.pathspec, /^QueryFlow\/\d+\/end\/\d+$/);
    assert.deepEqual(panel.cards, ['default card']);
  });

  // Last: it adds a third run to the workspace.
  test('a new run appears by itself, spinning while it runs, then succeeds', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const python = vscode.workspace.getConfiguration('metaflow').get<string>('pythonPath');
    assert.ok(folder && python, 'the workspace folder and metaflow.pythonPath are set');
    const before = new Set((await api.runs.children(flow.id)).map((r) => r.id));
    const child = spawn(python, ['query_flow.py', '--no-pylint', 'run', '--tag', 'watched'], {
      cwd: folder,
      stdio: 'ignore',
      env: {
        ...process.env,
        USERNAME: 'mfstudio-test',
        METAFLOW_DEFAULT_DATASTORE: 'local',
        METAFLOW_DEFAULT_METADATA: 'local',
        METAFLOW_DATASTORE_SYSROOT_LOCAL: folder,
        METAFLOW_CLIENT_CACHE_PATH: `${folder}/.metaflow-client-cache`,
      },
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // No refresh is asked for: only the file watchers can make the view re-read the runs.
      const fresh = await waitFor(
        'the new run in the view',
        async () => (await api.runs.children(flow.id)).find((r) => !before.has(r.id)),
        60_000,
      );
      assert.match(fresh.description ?? '', /watched/);
      if (fresh.contextValue === 'run.running') {
        assert.equal(fresh.icon?.id, 'loading~spin');
      }
      assert.equal(await exited, 0, 'the watched run succeeds');
      await waitFor(
        'the new run to show as succeeded',
        async () => (await api.runs.children(flow.id)).find((r) => r.id === fresh.id)?.contextValue === 'run.succeeded',
        30_000,
      );
    } finally {
      child.kill();
    }
  });
});
