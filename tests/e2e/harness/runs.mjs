/**
 * Real Metaflow runs in a test workspace, for the Runs view: the same two runs of
 * test-fixtures/runs/query_flow.py as tests/runs_fixture.py makes for the Python tests
 * (`nightly` succeeds with a retry on work[2]; `broken` fails at work[4]), run concurrently
 * into `<dir>/.metaflow`, with the flow file copied into `dir` (so "Reveal step" finds it).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PYTHON, REPO_ROOT } from './workbench.mjs';

const QUERY_FLOW = path.join(REPO_ROOT, 'test-fixtures', 'runs', 'query_flow.py');

function runFlow(dir, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['query_flow.py', '--no-pylint', 'run', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** @returns {Promise<{ok: string, failed: string}>} the two run pathspecs */
export async function makeQueryRuns(dir) {
  fs.copyFileSync(QUERY_FLOW, path.join(dir, 'query_flow.py'));
  fs.mkdirSync(path.join(dir, '.metaflow'), { recursive: true }); // concurrent runs race on it
  const env = {
    ...process.env,
    USERNAME: 'mfstudio-test',
    METAFLOW_CLIENT_CACHE_PATH: path.join(dir, '.metaflow-client-cache'),
    METAFLOW_DEFAULT_DATASTORE: 'local',
    METAFLOW_DEFAULT_METADATA: 'local',
    METAFLOW_DATASTORE_SYSROOT_LOCAL: dir,
    PYTHONUNBUFFERED: '1',
  };
  const [ok, failed] = await Promise.all([
    runFlow(dir, ['--run-id-file', 'ok.id', '--tag', 'nightly', '--alpha', '0.1'], env),
    runFlow(dir, ['--run-id-file', 'bad.id', '--tag', 'broken', '--fail', 'true'], env),
  ]);
  if (ok.code !== 0) throw new Error(`the ok run of QueryFlow failed:\n${ok.output}`);
  if (failed.code === 0) throw new Error(`the failing run of QueryFlow succeeded:\n${failed.output}`);
  const id = (f) => `QueryFlow/${fs.readFileSync(path.join(dir, f), 'utf8').trim()}`;
  return { ok: id('ok.id'), failed: id('bad.id') };
}
