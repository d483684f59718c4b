/**
 * The extension inside a real extension host (code-server) on the demo workspace, with the
 * real language server from the repository's .venv. Edits go to untitled buffers only.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MetaflowStudioApi } from '../../src/api';
import { EXTENSION_ID } from '../../src/common/constants';
import { discardActiveEditor, extensionApi, findDemoFlow, openScratch, stepNames, waitFor, type DemoFlow } from './helpers';

suite('Metaflow Studio in a real extension host', () => {
  let demo: DemoFlow;
  let api: MetaflowStudioApi;

  suiteSetup(async () => {
    demo = await findDemoFlow();
    assert.ok(demo.steps.length >= 2, `the demo flow ${demo.uri.fsPath} should have steps`);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates when a flow file is opened', async () => {
    await vscode.window.showTextDocument(demo.uri, { viewColumn: vscode.ViewColumn.One });
    api = await extensionApi();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension is active');
    // A performance target (500 ms), printed rather than asserted: these machines are noisy.
    console.log(`    activation: ${api.activationMillis.toFixed(1)} ms (target: at most 500 ms)`);
  });

  test('the language server reaches "running"', async () => {
    const started = Date.now();
    const state = await waitFor(
      'the server to leave "starting"',
      () => (['running', 'error'].includes(api.serverState()) ? api.serverState() : undefined),
      60_000,
    );
    assert.equal(state, 'running', 'the server failed to start: see the "Metaflow Studio" output channel');
    console.log(`    server running ${Date.now() - started} ms after the check began`);
  });

  test('metaflow/flowGraph returns the demo flow and every step of it', async () => {
    const asked = Date.now();
    const graph = await api.flowGraph(demo.uri);
    console.log(`    first flowGraph answer in ${Date.now() - asked} ms`);
    assert.equal(graph.flow, demo.flow);
    assert.deepEqual(Object.keys(graph.steps).sort(), [...demo.steps].sort());
    assert.equal(graph.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(graph.diagnostics));
  });

  test('a broken transition typed into a document gets a diagnostic on its line', async () => {
    const editor = await openScratch(demo.text);
    try {
      const document = editor.document;
      const transition = /self\.next\(self\.(\w+)/.exec(demo.text);
      assert.ok(transition?.[1], 'the demo flow has a self.next(self.x) transition');
      const start = document.positionAt((transition.index ?? 0) + 'self.next(self.'.length);
      const broken = new vscode.Range(start, start.translate(0, transition[1].length));
      assert.ok(await editor.edit((edit) => edit.replace(broken, 'nonexistent')));

      const typed = Date.now();
      const diagnostics = await waitFor('a diagnostic about the unknown step', () => {
        const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.message.includes('nonexistent'));
        return found.length > 0 ? found : undefined;
      });
      console.log(`    diagnostic ${Date.now() - typed} ms after the edit`);
      const diagnostic = diagnostics[0];
      assert.ok(diagnostic);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diagnostic.source, 'metaflow');
      assert.equal(diagnostic.range.start.line, start.line, `the diagnostic is on the transition's line: ${diagnostic.message}`);

      // Fixing the transition clears it again.
      const fixed = new vscode.Range(start, start.translate(0, 'nonexistent'.length));
      assert.ok(await editor.edit((edit) => edit.replace(fixed, transition[1] ?? '')));
      await waitFor('the diagnostic to clear', () =>
        vscode.languages.getDiagnostics(document.uri).every((d) => !d.message.includes('nonexistent')),
      );
    } finally {
      await discardActiveEditor();
    }
  });

  test('Show DAG opens a panel titled after the flow that draws every step', async () => {
    await vscode.window.showTextDocument(demo.uri, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('metaflow.showDag');
    const rendered = await waitFor('the DAG view to draw the flow', () => {
      const panel = api.dagPanel();
      return panel?.lastRendered && panel.flow === demo.flow ? panel.lastRendered : undefined;
    });
    assert.equal(rendered.nodes, demo.steps.length);
    const titles = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
    assert.ok(titles.includes(`Metaflow DAG: ${demo.flow}`), `tabs: ${titles.join(', ')}`);
  });

  test("the server's \"Show in DAG\" code lens opens the DAG at its step", async () => {
    const target = demo.steps[Math.min(2, demo.steps.length - 1)] ?? 'start';
    const lenses = await waitFor('the server\'s code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', demo.uri);
      return found.some((l) => l.command?.command === 'metaflow.showDag') ? found : undefined;
    });
    const lens = lenses.find((l) => l.command?.command === 'metaflow.showDag' && l.command.arguments?.[1] === target);
    assert.ok(lens?.command, `a Show in DAG lens for ${target}: ${JSON.stringify(lenses.map((l) => l.command?.arguments))}`);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    await waitFor(`${target} highlighted by the lens`, () => api.dagPanel()?.highlighted === target);
  });

  test('moving the cursor into a step highlights it in the DAG', async () => {
    const editor = await vscode.window.showTextDocument(demo.uri, { viewColumn: vscode.ViewColumn.One });
    const last = demo.steps[demo.steps.length - 1] ?? 'end';
    for (const step of [demo.steps[1] ?? 'start', last]) {
      const line = editor.document.getText().split('\n').findIndex((l) => new RegExp(`def ${step}\\(`).test(l));
      editor.selection = new vscode.Selection(line + 1, 0, line + 1, 0);
      await waitFor(`${step} to be highlighted`, () => api.dagPanel()?.highlighted === step);
    }
  });

  test('the DAG follows edits: a new step appears as it is typed', async () => {
    const editor = await openScratch(demo.text);
    try {
      const uri = editor.document.uri;
      // The server's code lens calls showDag with [uri, step].
      await vscode.commands.executeCommand('metaflow.showDag', uri.toString(), 'start');
      await waitFor('the scratch flow to be drawn', () => {
        const panel = api.dagPanel();
        return panel?.document === uri.toString() && panel.lastRendered?.nodes === demo.steps.length;
      });
      assert.equal(api.dagPanel()?.highlighted, 'start');

      // Insert `extra` between the last step before `end` and `end`.
      const text = editor.document.getText();
      const toEnd = /self\.next\(self\.end\)/.exec(text);
      assert.ok(toEnd, 'some step transitions to end');
      const at = editor.document.positionAt(toEnd.index);
      const target = new vscode.Range(at, at.translate(0, toEnd[0].length));
      const endDef = editor.document.positionAt(text.search(/^([ \t]*)@step\s*\n\1def end\(/m));
      await editor.edit((edit) => {
        edit.insert(endDef, '    @step\n    def extra(self):\n        self.next(self.end)\n\n');
        edit.replace(target, 'self.next(self.extra)');
      });
      assert.deepEqual(stepNames(editor.document.getText()).length, demo.steps.length + 1);
      await waitFor('the DAG to draw the new step', () => api.dagPanel()?.lastRendered?.nodes === demo.steps.length + 1);
    } finally {
      await discardActiveEditor();
    }
  });

  test('Export DAG writes an SVG of the flow', async () => {
    await vscode.window.showTextDocument(demo.uri, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('metaflow.showDag');
    await waitFor('the demo flow in the DAG', () => api.dagPanel()?.flow === demo.flow && api.dagPanel()?.lastRendered);
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-export-'));
    try {
      const target = vscode.Uri.file(path.join(dir, 'dag.svg'));
      const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('metaflow.exportDag', 'svg', target);
      assert.equal(written?.fsPath, target.fsPath);
      const svg = readFileSync(target.fsPath, 'utf8');
      assert.match(svg, /<svg[\s>]/);
      for (const step of demo.steps) {
        assert.ok(svg.includes(step), `the SVG names step ${step}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('settings restart the server only when they change what would start', async () => {
    const config = vscode.workspace.getConfiguration('metaflow');
    const before = { env: config.inspect('server.env')?.globalValue, enabled: config.inspect('server.enabled')?.globalValue };
    try {
      // An empty env is the default: the launch is the same, so the server keeps running.
      await config.update('server.env', {}, vscode.ConfigurationTarget.Global);
      const seen = new Set<string>();
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        seen.add(api.serverState());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual([...seen], ['running']);

      await config.update('server.enabled', false, vscode.ConfigurationTarget.Global);
      await waitFor('the server to stop', () => api.serverState() === 'stopped');
      await assert.rejects(api.flowGraph(demo.uri), /disabled by the metaflow\.server\.enabled setting/);
    } finally {
      await config.update('server.env', before.env, vscode.ConfigurationTarget.Global);
      await config.update('server.enabled', before.enabled, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the server to run again', () => api.serverState() === 'running', 60_000);
  });

  test('an interpreter without the server is reported, and fixing the setting restarts it', async function () {
    if (vscode.extensions.getExtension('ms-python.python')) {
      this.skip(); // the Python extension's interpreter takes precedence over the setting
    }
    const config = vscode.workspace.getConfiguration('metaflow');
    const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => {
      try {
        readFileSync(p);
        return true;
      } catch {
        return false;
      }
    });
    if (python === undefined) {
      this.skip();
    }
    // The harness may set pythonPath in the user settings: put back exactly what was there.
    const before = config.inspect<string>('pythonPath')?.globalValue;
    let t = Date.now();
    try {
      await config.update('pythonPath', python, vscode.ConfigurationTarget.Global);
      console.log(`    setting written in ${Date.now() - t} ms`);
      t = Date.now();
      await waitFor('the error state', () => api.serverState() === 'error', 60_000);
      console.log(`    error state ${Date.now() - t} ms later`);
      await assert.rejects(api.flowGraph(demo.uri), /not running/);
    } finally {
      t = Date.now();
      await config.update('pythonPath', before, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the server to run again', () => api.serverState() === 'running', 60_000);
    console.log(`    running again ${Date.now() - t} ms after the setting was restored`);
    const graph = await api.flowGraph(demo.uri);
    assert.equal(graph.flow, demo.flow);
  });
});
