/**
 * Entry point for in-host tests (VS Code's extensionTestsPath): runs out/test/*.test.js with
 * mocha's TDD interface and rejects when any test fails.
 *
 * MFSTUDIO_INHOST_SUITES (comma-separated file stems, e.g. "runs,debug") runs only those
 * files; set it where scripts/e2e.sh runs and it reaches the extension host through
 * code-server's environment. Without it, every file runs except the ones that need a host of
 * their own (suiteSelection.ts).
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { selectSuites } from './suiteSelection';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 90_000, reporter: 'spec' });
  for (const file of selectSuites(readdirSync(__dirname), process.env.MFSTUDIO_INHOST_SUITES)) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) {
        reject(new Error(`${failures} in-host test(s) failed.`));
      } else {
        resolve();
      }
    });
  });
}
