/**
 * Following the interpreter selected in the Python extension, in a real extension host that
 * has the ms-python.python stand-in (test-fixtures/python-extension-standin: the published
 * environments API over real interpreters; the real extension cannot be installed here).
 * Runs only in its own pass (tests/e2e/python-extension.e2e.mjs), so the other suites still
 * test the fallbacks.
 *
 * The interpreters are real: venvs made here from the repository's .venv, two that reach its
 * packages (mfstudio, Metaflow) through a .pth file and one bare. Which Python the server
 * runs is read from the server itself (`metaflow/debugPlan` answers its sys.executable).
 */
import { execFile } from 'node:child_process';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { MetaflowStudioApi } from '../../src/api';
import type { ServerStatus } from '../../src/common/server';
import { extensionApi, findDemoFlow, waitFor, type DemoFlow } from './helpers';

const run = promisify(execFile);
/** out/test -> the repository (its .venv has mfstudio and Metaflow installed). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REPO_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

async function purelib(python: string): Promise<string> {
  const { stdout } = await run(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"]);
  return stdout.trim();
}

/** A new venv's interpreter; `withServer`: the repository's packages are importable in it. */
async function makeVenv(dir: string, withServer: boolean): Promise<string> {
  await run(REPO_PYTHON, ['-m', 'venv', '--without-pip', dir]);
  const python = path.join(dir, 'bin', 'python');
  if (withServer) {
    // addsitedir (not a plain path line) so the .venv's own .pth files, among them the
    // editable install's finder for mfstudio, are processed too.
    const site = JSON.stringify(await purelib(REPO_PYTHON));
    writeFileSync(path.join(await purelib(python), 'mfstudio-dev.pth'), `import site; site.addsitedir(${site})\n`);
  }
  return python;
}

/** Waits until the server has settled on `python`: running with it, or failed with it. */
function settledWith(api: MetaflowStudioApi, python: string, timeoutMs = 60_000): Promise<ServerStatus> {
  return waitFor(
    `the language server to settle on ${python}`,
    () => {
      const status = api.serverStatus();
      return ['running', 'error'].includes(status.state) && status.interpreter?.path === python ? status : undefined;
    },
    timeoutMs,
  );
}

suite('The interpreter selected in the Python extension (stand-in)', function () {
  this.timeout(120_000);
  let api: MetaflowStudioApi;
  let python: PythonExtension;
  let demo: DemoFlow;
  let folder: vscode.WorkspaceFolder;
  let first: string;
  let second: string;
  let bare: string;

  /** The server's own sys.executable. */
  async function serverPython(): Promise<string> {
    return (await api.debugPlan({ uri: demo.uri.toString(), mode: 'run' })).python;
  }

  suiteSetup(async () => {
    const standIn = vscode.extensions.getExtension(PVSC_EXTENSION_ID);
    assert.ok(standIn, `${PVSC_EXTENSION_ID} (the stand-in) is not installed in this host: run this suite through tests/e2e/python-extension.e2e.mjs`);
    assert.match(String((standIn.packageJSON as { displayName?: string }).displayName), /stand-in/);
    const root = mkdtempSync(path.join(tmpdir(), 'mfstudio-interpreters-'));
    [first, second, bare] = await Promise.all([
      makeVenv(path.join(root, 'first'), true),
      makeVenv(path.join(root, 'second'), true),
      makeVenv(path.join(root, 'bare'), false),
    ]);
    python = await PythonExtension.api();
    await python.ready;
    demo = await findDemoFlow();
    const found = vscode.workspace.getWorkspaceFolder(demo.uri);
    assert.ok(found, 'the demo flow is in a workspace folder');
    folder = found;
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the server starts with the interpreter the Python extension reports, over metaflow.pythonPath', async () => {
    const setting = vscode.workspace.getConfiguration('metaflow', folder).get<string>('pythonPath');
    assert.ok(setting, 'the pass sets metaflow.pythonPath, so that taking precedence over it means something');
    await python.environments.updateActiveEnvironmentPath(first, folder);
    const resolved = await python.environments.resolveEnvironment(python.environments.getActiveEnvironmentPath(folder));
    assert.equal(resolved?.executable.uri?.fsPath, first, 'the stand-in resolves the venv by running it');
    assert.equal(resolved?.environment?.type, 'VirtualEnvironment');

    api = await extensionApi();
    await vscode.window.showTextDocument(demo.uri);
    const status = await settledWith(api, first);
    assert.equal(status.state, 'running', status.reason);
    assert.deepEqual(status.interpreter, { path: first, source: 'python-extension' });
    assert.equal(await serverPython(), first);
    assert.notEqual(first, setting);
  });

  test('updateActiveEnvironmentPath restarts the server with the new interpreter', async () => {
    const events: { path: string; resource: unknown }[] = [];
    const listening = python.environments.onDidChangeActiveEnvironmentPath((e) => events.push({ path: e.path, resource: e.resource }));
    try {
      await python.environments.updateActiveEnvironmentPath(second, folder);
      const status = await settledWith(api, second);
      assert.equal(status.state, 'running', status.reason);
      assert.deepEqual(status.interpreter, { path: second, source: 'python-extension' });
      assert.equal(await serverPython(), second);
      assert.deepEqual(events, [{ path: second, resource: folder }]);
      assert.equal((await api.flowGraph(demo.uri)).flow, demo.flow, 'the restarted server answers');
    } finally {
      listening.dispose();
    }
  });

  test('an interpreter without the server gives the error status the fallbacks give', async () => {
    await python.environments.updateActiveEnvironmentPath(bare, folder);
    const status = await settledWith(api, bare);
    assert.equal(status.state, 'error');
    assert.deepEqual(status.interpreter, { path: bare, source: 'python-extension' });
    assert.match(status.reason ?? '', /cannot import mfstudio\.lsp .*No module named 'mfstudio/);
    await assert.rejects(api.flowGraph(demo.uri), /not running/);
  });

  // Starts from the failed server the previous test left: the change also recovers from it.
  test('an environment the Python extension cannot resolve falls back to metaflow.pythonPath', async () => {
    const setting = vscode.workspace.getConfiguration('metaflow', folder).get<string>('pythonPath');
    assert.ok(setting);
    const missing = path.join(path.dirname(path.dirname(first)), 'deleted-env', 'bin', 'python');
    await python.environments.updateActiveEnvironmentPath(missing, folder);
    assert.equal(await python.environments.resolveEnvironment(missing), undefined);
    const status = await settledWith(api, setting);
    assert.equal(status.state, 'running', status.reason);
    assert.deepEqual(status.interpreter, { path: setting, source: 'setting' });
    assert.equal(await serverPython(), setting);
  });
});
