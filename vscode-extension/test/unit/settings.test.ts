import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSettings, type ConfigurationLike } from '../../src/common/settings';

function config(values: Record<string, unknown>): ConfigurationLike {
  return { get: (key) => values[key] };
}

describe('settings normalisation', () => {
  it('gives the defaults when nothing is set', () => {
    assert.deepEqual(readSettings(config({})), {
      pythonPath: undefined,
      serverEnabled: true,
      serverEnv: {},
      trace: 'off',
      dagFollowCursor: true,
      datastoreRoot: undefined,
    });
  });

  it('treats a blank pythonPath as unset and trims it', () => {
    assert.equal(readSettings(config({ pythonPath: '   ' })).pythonPath, undefined);
    assert.equal(readSettings(config({ pythonPath: ' /opt/py/bin/python ' })).pythonPath, '/opt/py/bin/python');
  });

  it('expands ${workspaceFolder} and ~ in pythonPath', () => {
    const settings = readSettings(config({ pythonPath: '${workspaceFolder}/env/bin/python' }), { workspaceFolder: '/w/proj' });
    assert.equal(settings.pythonPath, '/w/proj/env/bin/python');
    assert.equal(readSettings(config({ pythonPath: '~/py/bin/python' }), { home: '/home/u' }).pythonPath, '/home/u/py/bin/python');
    assert.equal(readSettings(config({ pythonPath: '~other/python' }), { home: '/home/u' }).pythonPath, '~other/python');
  });

  it('falls back to defaults for values of the wrong type', () => {
    const settings = readSettings(
      config({ pythonPath: 42, 'server.enabled': 'no', 'trace.server': 'loud', 'dag.followCursor': 1, 'server.env': ['A=1'] }),
    );
    assert.deepEqual(settings, { pythonPath: undefined, serverEnabled: true, serverEnv: {}, trace: 'off', dagFollowCursor: true, datastoreRoot: undefined });
  });

  it('keeps valid values', () => {
    const settings = readSettings(
      config({
        'server.enabled': false,
        'trace.server': 'verbose',
        'dag.followCursor': false,
        'server.env': { A: 'x', B: 2, C: true, D: null },
        datastoreRoot: '${workspaceFolder}/runs',
      }),
      { workspaceFolder: '/w/proj' },
    );
    assert.deepEqual(settings, {
      pythonPath: undefined,
      serverEnabled: false,
      serverEnv: { A: 'x', B: '2', C: 'true' },
      trace: 'verbose',
      dagFollowCursor: false,
      datastoreRoot: '/w/proj/runs',
    });
  });
});
