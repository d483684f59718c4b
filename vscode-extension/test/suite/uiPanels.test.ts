/**
 * "Open Run", "Compare Runs" and "Show Lineage" in a real extension host, on the demo's
 * TrainingFlow runs that tests/e2e/extension-host.e2e.mjs makes (`baseline` succeeded,
 * `sweep` failed at train). Each panel must draw real data: the page reports what it shows
 * (`rendered`: its parts, DAG/lineage nodes, compare rows, error banners) to the extension,
 * which exposes it to tests; the page gets its data only through the language server.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ItemSpec, MetaflowStudioApi, UiPanelInfo } from '../../src/api';
import { Commands } from '../../src/common/constants';
import { extensionApi, waitFor } from './helpers';

function find(items: ItemSpec[], what: string, predicate: (item: ItemSpec) => boolean): ItemSpec {
  const found = items.find(predicate);
  assert.ok(found, `no ${what} among ${JSON.stringify(items.map((i) => `${i.label} (${i.contextValue}) ${i.description ?? ''}`))}`);
  return found;
}

/** The open panel whose first route starts with `prefix`, once its page reported `ready`. */
function panelDrawn(api: MetaflowStudioApi, prefix: string, ready: (panel: UiPanelInfo) => boolean): Promise<UiPanelInfo> {
  return waitFor(
    `the panel of ${prefix} to draw`,
    () => api.uiPanels().find((p) => p.route.startsWith(prefix) && p.rendered !== undefined && ready(p)),
    60_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} Panels: ${JSON.stringify(api.uiPanels())}`);
  });
}

suite('UI panels on the demo runs', () => {
  let api: MetaflowStudioApi;
  let baseline: ItemSpec;
  let sweep: ItemSpec;
  let flowName: string;

  suiteSetup(async () => {
    api = await extensionApi();
    await api.runs.setFilter({});
    await vscode.commands.executeCommand('workbench.view.extension.metaflow');
    const top = await waitFor(
      'TrainingFlow in the Runs view',
      async () => {
        const items = await api.runs.children();
        return items.some((i) => i.label === 'TrainingFlow') ? items : undefined;
      },
      90_000,
    );
    const flow = find(top, 'TrainingFlow', (i) => i.label === 'TrainingFlow');
    flowName = flow.label;
    const runs = await api.runs.children(flow.id);
    baseline = find(runs, 'the baseline run', (r) => r.contextValue === 'run.succeeded' && /baseline/.test(r.description ?? ''));
    sweep = find(runs, 'the sweep run', (r) => r.contextValue === 'run.failed' && /sweep/.test(r.description ?? ''));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Run draws the run: header, its whole DAG, steps, live', async () => {
    const steps = await api.runs.children(baseline.id);
    await vscode.commands.executeCommand(Commands.openRun, api.runs.node(baseline.id));
    const route = `#/run/${flowName}/${baseline.label}`;
    const panel = await panelDrawn(api, route, (p) => (p.rendered?.dagNodes ?? 0) > 0 && (p.rendered?.parts.includes('step-list') ?? false));
    const shown = panel.rendered;
    assert.ok(shown);
    assert.equal(shown.view, 'run');
    assert.deepEqual(shown.errors, []);
    for (const part of ['run-view', 'run-header', 'run-dag', 'step-list', 'timeline']) assert.ok(shown.parts.includes(part), `${part} in ${shown.parts.join(', ')}`);
    assert.equal(shown.dagNodes, steps.length, 'one DAG node per step the run ran');
    assert.equal(panel.title, `${flowName}/${baseline.label}`);
    assert.ok(panel.subscriptions >= 1, 'the run view follows the run live');
    // Opening the same run again shows the same panel.
    await vscode.commands.executeCommand(Commands.openRun, api.runs.node(baseline.id));
    assert.equal(api.uiPanels().filter((p) => p.route === route).length, 1);
  });

  test('Compare Runs on two selected runs draws their differences', async () => {
    const first = api.runs.node(baseline.id);
    const second = api.runs.node(sweep.id);
    await vscode.commands.executeCommand(Commands.compareRuns, first, [first, second]);
    const panel = await panelDrawn(api, '#/compare?runs=', (p) => (p.rendered?.compareRows ?? 0) > 0);
    assert.equal(panel.route, `#/compare?runs=${flowName}/${baseline.label},${flowName}/${sweep.label}`);
    assert.ok(panel.rendered);
    assert.deepEqual(panel.rendered.errors, []);
    assert.ok(panel.rendered.parts.includes('compare-view'));
    assert.equal(panel.title, 'Compare runs');
  });

  test('Show Lineage on an artifact item draws its producers and readers', async () => {
    const steps = await api.runs.children(baseline.id);
    const end = find(steps, 'end step', (s) => s.label === 'end');
    const [task] = await api.runs.children(end.id);
    assert.ok(task);
    const artifacts = await api.runs.children(task.id);
    const model = find(artifacts, 'model artifact', (a) => a.label === 'model' && a.contextValue === 'artifact');
    await vscode.commands.executeCommand(Commands.showLineage, api.runs.node(model.id));
    const panel = await panelDrawn(api, `#/lineage/${flowName}/${baseline.label}/model`, (p) => (p.rendered?.lineageNodes ?? 0) > 0);
    assert.ok(panel.rendered);
    assert.deepEqual(panel.rendered.errors, []);
    assert.ok(panel.rendered.parts.includes('lineage-view'));
    assert.ok(panel.rendered.lineageNodes >= 2, 'train produces the model and later steps carry it');
  });

  test('a run that does not exist shows the server error and its nearest runs', async () => {
    await vscode.commands.executeCommand(Commands.openRun, { kind: 'run', root: api.uiPanels()[0]?.root, run: { pathspec: `${flowName}/999999` } });
    const panel = await panelDrawn(api, `#/run/${flowName}/999999`, (p) => (p.rendered?.errors.length ?? 0) > 0);
    assert.match(panel.rendered?.errors.join('\n') ?? '', new RegExp(`${flowName}/${baseline.label}|${flowName}/${sweep.label}`));
  });
});
