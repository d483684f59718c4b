import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEDICATED_SUITES, selectSuites } from '../suite/suiteSelection';

const FILES = ['helpers.js', 'index.js', 'runs.test.js', 'debug.test.js', 'pythonExtension.test.js', 'runs.test.js.map'];

describe('in-host suite selection', () => {
  it('runs every suite but the dedicated ones by default', () => {
    assert.ok(DEDICATED_SUITES.includes('pythonExtension'));
    assert.deepEqual(selectSuites(FILES, undefined), ['debug.test.js', 'runs.test.js']);
    assert.deepEqual(selectSuites(FILES, ' '), ['debug.test.js', 'runs.test.js']);
  });

  it('runs only the named suites, dedicated ones included', () => {
    assert.deepEqual(selectSuites(FILES, 'pythonExtension'), ['pythonExtension.test.js']);
    assert.deepEqual(selectSuites(FILES, 'runs, debug,runs'), ['debug.test.js', 'runs.test.js']);
  });

  it('names the suites that exist when asked for one that does not', () => {
    assert.throws(() => selectSuites(FILES, 'run'), /no such suite: run \(there are: runs, debug, pythonExtension\)/);
  });
});
