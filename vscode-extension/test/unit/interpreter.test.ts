import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkPythonModule,
  chooseInterpreter,
  describeInterpreter,
  findVenvPython,
} from '../../src/common/interpreter';

const REPO_PYTHON = join(__dirname, '..', '..', '..', '.venv', 'bin', 'python');

describe('interpreter discovery over a folder tree', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'mf-interp-'));
    for (const venv of ['.venv', 'project/.venv']) {
      mkdirSync(join(root, venv, 'bin'), { recursive: true });
      writeFileSync(join(root, venv, 'bin', 'python'), '');
    }
    mkdirSync(join(root, 'project', 'flows', 'deep'), { recursive: true });
    mkdirSync(join(root, 'other', 'nested'), { recursive: true });
    mkdirSync(join(root, 'empty-venv', '.venv'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the .venv of the folder itself', () => {
    assert.equal(findVenvPython(join(root, 'project')), join(root, 'project', '.venv', 'bin', 'python'));
  });

  it('walks up to the nearest ancestor with a .venv', () => {
    assert.equal(findVenvPython(join(root, 'project', 'flows', 'deep')), join(root, 'project', '.venv', 'bin', 'python'));
    assert.equal(findVenvPython(join(root, 'other', 'nested')), join(root, '.venv', 'bin', 'python'));
  });

  it('skips a .venv folder that has no interpreter', () => {
    assert.equal(findVenvPython(join(root, 'empty-venv')), join(root, '.venv', 'bin', 'python'));
  });

  it('returns undefined when no ancestor has one', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'mf-novenv-'));
    try {
      assert.equal(findVenvPython(lonely), undefined);
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  it('uses Scripts\\python.exe on Windows', () => {
    const seen: string[] = [];
    const found = findVenvPython('C:\\work\\proj\\flows', 'win32', (file) => {
      seen.push(file);
      return file === 'C:\\work\\.venv\\Scripts\\python.exe';
    });
    assert.equal(found, 'C:\\work\\.venv\\Scripts\\python.exe');
    assert.deepEqual(seen.slice(0, 2), [
      'C:\\work\\proj\\flows\\.venv\\Scripts\\python.exe',
      'C:\\work\\proj\\.venv\\Scripts\\python.exe',
    ]);
  });
});

describe('interpreter precedence', () => {
  const venvEverywhere = (): boolean => true;

  it('prefers the Python extension, then the setting, then .venv, then python3', () => {
    assert.deepEqual(
      chooseInterpreter({ pythonExtensionPath: '/ext/python', settingPath: '/set/python', searchFrom: '/w', exists: venvEverywhere }),
      { path: '/ext/python', source: 'python-extension' },
    );
    assert.deepEqual(chooseInterpreter({ settingPath: '/set/python', searchFrom: '/w', exists: venvEverywhere }), {
      path: '/set/python',
      source: 'setting',
    });
    assert.deepEqual(chooseInterpreter({ searchFrom: '/w/x', exists: (f) => f === '/w/.venv/bin/python', platform: 'linux' }), {
      path: '/w/.venv/bin/python',
      source: 'venv',
    });
    assert.deepEqual(chooseInterpreter({ searchFrom: '/w/x', exists: () => false, platform: 'linux' }), {
      path: 'python3',
      source: 'default',
    });
  });

  it('describes where the interpreter came from', () => {
    assert.match(describeInterpreter({ path: '/w/.venv/bin/python', source: 'venv' }), /\/w\/\.venv\/bin\/python \(the workspace \.venv\)/);
  });
});

describe('checking that an interpreter has the server module', () => {
  it('accepts a module the interpreter has, reporting its version', async () => {
    const result = await checkPythonModule(REPO_PYTHON, 'json');
    assert.equal(result.ok, true);
    assert.ok(result.ok && /^3\.\d+\.\d+/.test(result.pythonVersion));
  });

  it('reports a missing module with Python\'s own message', async () => {
    const result = await checkPythonModule(REPO_PYTHON, 'no_such_module_mfstudio_test');
    assert.deepEqual(result, {
      ok: false,
      problem: 'module-missing',
      detail: "ModuleNotFoundError: No module named 'no_such_module_mfstudio_test'",
    });
  });

  it('reports an interpreter that does not exist', async () => {
    const result = await checkPythonModule('/nonexistent/bin/python', 'json');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problem === 'interpreter-not-found');
  });

  it('reports a missing submodule of a package that exists', async () => {
    const result = await checkPythonModule(REPO_PYTHON, 'json.no_such_submodule');
    assert.deepEqual(result, {
      ok: false,
      problem: 'module-missing',
      detail: "ModuleNotFoundError: No module named 'json.no_such_submodule'",
    });
  });

  it('reports a parent package that fails to import for another reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-badpkg-'));
    try {
      mkdirSync(join(dir, 'broken_pkg'));
      writeFileSync(join(dir, 'broken_pkg', '__init__.py'), 'raise RuntimeError("boom at import")\n');
      writeFileSync(join(dir, 'broken_pkg', 'lsp.py'), '');
      const result = await checkPythonModule(REPO_PYTHON, 'broken_pkg.lsp', { cwd: dir });
      assert.deepEqual(result, { ok: false, problem: 'failed', detail: 'RuntimeError: boom at import' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not run the module itself, only finds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-slowmod-'));
    try {
      writeFileSync(join(dir, 'loud_mod.py'), 'raise SystemExit("the module ran")\n');
      const result = await checkPythonModule(REPO_PYTHON, 'loud_mod', { cwd: dir });
      assert.equal(result.ok, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an interpreter older than the server supports', async () => {
    const result = await checkPythonModule(REPO_PYTHON, 'json', { minVersion: [3, 99] });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problem === 'python-too-old');
    assert.ok(!result.ok && /^Python 3\.99 or newer is needed, this is 3\.\d+\.\d+$/.test(result.detail), !result.ok ? result.detail : '');
    assert.equal((await checkPythonModule(REPO_PYTHON, 'json', { minVersion: [3, 10] })).ok, true);
  });

  it('refuses a module name that is not a dotted identifier', async () => {
    const result = await checkPythonModule(REPO_PYTHON, "os'); import evil; ('");
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problem === 'failed');
  });
});
