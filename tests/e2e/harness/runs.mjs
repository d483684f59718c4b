/**
 * Real Metaflow runs in a test workspace, for the Runs view: the same two runs of
 * test-fixtures/runs/query_flow.py as tests/runs_fixture.py makes for the Python tests
 * (`nightly` succeeds with a retry on work[2]; `broken` fails at work[4]), run concurrently
 * into `<dir>/.metaflow`, with the flow file copied into `dir` (so "Reveal step" finds it);
 * or the demo's own TrainingFlow runs (scripts/demo_runs.py). And the reference answers
 * about them: `mfstudio <query> --json --root <dir>`, what UI tests compare the view with.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MFSTUDIO_CLI, PYTHON, REPO_ROOT } from './workbench.mjs';

const QUERY_FLOW = path.join(REPO_ROOT, 'test-fixtures', 'runs', 'query_flow.py');

/** Runs the venv's Python with `argv` in `dir`; resolves with its exit code and output. */
function runPython(dir, argv, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const runFlow = (dir, args, env) => runPython(dir, ['query_flow.py', '--no-pylint', 'run', ...args], env);

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

/**
 * The demo's runs in a copy of the demo workspace (scripts/demo_runs.py): TrainingFlow's
 * `baseline` run succeeds with a card on `report`; `sweep` fails in `train` at learning rate
 * 50 on both attempts. `env` must name USERNAME and METAFLOW_CLIENT_CACHE_PATH (metaflowEnv()).
 */
export async function makeDemoRuns(dir, env) {
  const script = path.join(REPO_ROOT, 'scripts', 'demo_runs.py');
  const local = { METAFLOW_DEFAULT_DATASTORE: 'local', METAFLOW_DEFAULT_METADATA: 'local', METAFLOW_DATASTORE_SYSROOT_LOCAL: dir };
  const made = await runPython(dir, [script, dir], { ...process.env, ...env, ...local, PYTHONUNBUFFERED: '1' });
  if (made.code !== 0) throw new Error(`scripts/demo_runs.py ${dir} failed (${made.code}):\n${made.output}`);
}

/** `mfstudio <args> --json --root <root>`, parsed: the reference answer for a UI assertion. */
export function queryCli(root, ...args) {
  return new Promise((resolve, reject) => {
    execFile(MFSTUDIO_CLI, [...args, '--json', '--root', root], { timeout: 60000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      // `mfstudio failures` is a check: it exits 1 when the run has failures, with the JSON.
      if (err && !(err.code === 1 && args[0] === 'failures')) {
        reject(new Error(`mfstudio ${args.join(' ')} failed (${err.code}): ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        reject(new Error(`mfstudio ${args.join(' ')} printed no JSON: ${e}\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}
