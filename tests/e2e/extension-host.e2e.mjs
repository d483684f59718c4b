/**
 * The extension's own in-host mocha tests (vscode-extension/test/), run inside a real
 * VS Code extension host (code-server with the smoke-test driver) on a copy of the demo
 * workspace holding two real QueryFlow runs (for the Runs view's tests) and the demo's own
 * TrainingFlow runs (for "Debug step"), made before the browser opens the workbench, so the
 * extension host starts with them in place. Passes iff they exit 0; their output is printed
 * either way.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runInHostTests } from './harness/in-host.mjs';
import { makeDemoRuns, makeQueryRuns } from './harness/runs.mjs';
import { EXTENSION_DIR, TYPING_SETTINGS, metaflowEnv, startWorkbench } from './harness/workbench.mjs';

const TESTS_ENTRY = path.join(EXTENSION_DIR, 'out', 'test', 'index.js');
const EXTENSION_MAIN = path.join(EXTENSION_DIR, 'dist', 'extension.js');

let cs;

before(async () => {
  cs = await startWorkbench({
    smokeDriver: true,
    settings: { 'metaflow.pythonPath': TYPING_SETTINGS['metaflow.pythonPath'] },
  });
  // QueryFlow runs for the Runs view; the demo's TrainingFlow runs for "Debug step".
  await Promise.all([makeQueryRuns(cs.workspace.dir), makeDemoRuns(cs.workspace.dir, metaflowEnv(cs.workspace.dir))]);
});

after(async () => {
  await cs?.stop();
});

test('the extension in-host mocha tests pass in a real extension host', { timeout: 600000 }, async (t) => {
  for (const f of [EXTENSION_MAIN, TESTS_ENTRY]) {
    assert.ok(fs.existsSync(f), `${path.relative(process.cwd(), f)} is missing: build first (scripts/e2e.sh does)`);
  }
  const result = await runInHostTests(cs, {
    extensionDevelopmentPath: EXTENSION_DIR,
    extensionTestsPath: TESTS_ENTRY,
    timeoutMs: 570000,
  });
  // Print the mocha report where CI reads it, whatever the outcome.
  for (const line of result.output) t.diagnostic(line);
  t.diagnostic(`in-host tests: exit=${result.exitCode} in ${(result.millis / 1000).toFixed(1)} s`);
  if (result.exitCode !== 0) {
    const log = cs.log().split('\n').slice(-40).join('\n');
    assert.fail(`in-host tests exited with ${result.exitCode}\n--- code-server log (tail) ---\n${log}`);
  }
});
