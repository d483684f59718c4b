/**
 * The in-host pass with the Python extension present: the ms-python.python stand-in
 * (test-fixtures/python-extension-standin), packaged with vsce and installed into this
 * workbench's own profile the way a user installs an extension, and only the suite that
 * needs it (pythonExtension.test.ts, chosen through MFSTUDIO_INHOST_SUITES). (A second
 * extensionDevelopmentPath does not work: code-server's payload keeps one value per key.) The main in-host pass (extension-host.e2e.mjs) has no
 * Python extension, so it keeps testing the fallbacks. metaflow.pythonPath is set here too,
 * so the suite can show the Python extension's choice taking precedence over it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runInHostTests } from './harness/in-host.mjs';
import { EXTENSION_DIR, PYTHON, REPO_ROOT, startWorkbench } from './harness/workbench.mjs';

const STANDIN_DIR = path.join(REPO_ROOT, 'test-fixtures', 'python-extension-standin');
const TESTS_ENTRY = path.join(EXTENSION_DIR, 'out', 'test', 'index.js');
const SUITE = path.join(EXTENSION_DIR, 'out', 'test', 'pythonExtension.test.js');

const VSCE = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');

let cs;
let vsixDir;

/** The stand-in as a .vsix (about 3 s; it has no build step and no dependencies). */
function packageStandIn() {
  vsixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfstudio-standin-'));
  const vsix = path.join(vsixDir, 'python-extension-standin.vsix');
  execFileSync(VSCE, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], {
    cwd: STANDIN_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return vsix;
}

before(async () => {
  cs = await startWorkbench({
    vsix: [packageStandIn()],
    smokeDriver: true,
    settings: { 'metaflow.pythonPath': PYTHON },
    env: { MFSTUDIO_INHOST_SUITES: 'pythonExtension' },
  });
});

after(async () => {
  await cs?.stop();
  if (vsixDir) fs.rmSync(vsixDir, { recursive: true, force: true });
});

test('the server follows the interpreter of the Python extension (stand-in) in a real extension host', { timeout: 300000 }, async (t) => {
  for (const f of [path.join(EXTENSION_DIR, 'dist', 'extension.js'), SUITE]) {
    assert.ok(fs.existsSync(f), `${path.relative(process.cwd(), f)} is missing: build first (scripts/e2e.sh does)`);
  }
  const result = await runInHostTests(cs, {
    extensionDevelopmentPath: EXTENSION_DIR,
    extensionTestsPath: TESTS_ENTRY,
    timeoutMs: 270000,
  });
  for (const line of result.output) t.diagnostic(line);
  t.diagnostic(`in-host tests with the Python extension stand-in: exit=${result.exitCode} in ${(result.millis / 1000).toFixed(1)} s`);
  if (result.exitCode !== 0) {
    const log = cs.log().split('\n').slice(-40).join('\n');
    assert.fail(`in-host tests exited with ${result.exitCode}\n--- code-server log (tail) ---\n${log}`);
  }
  // The pass ran the stand-in suite and nothing else (the env reached the extension host).
  const ran = result.output.join('\n');
  assert.match(ran, /The interpreter selected in the Python extension \(stand-in\)/);
  assert.doesNotMatch(ran, /Metaflow Studio in a real extension host/);
});
