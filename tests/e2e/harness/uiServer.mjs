/**
 * The standalone UI (`mfstudio ui`) and real Metaflow runs for its browser tests: a temp
 * workspace holding `.metaflow`, flows copied from test-fixtures/ and run with the venv's
 * Python, and the server started on a free port against that workspace.
 *
 * Why: the tests must see what a user sees: the real server reading the real datastore
 * while real runs write it (no fake API, unlike the dev page's browser tests).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MFSTUDIO_CLI, PYTHON, REPO_ROOT, metaflowEnv } from './workbench.mjs';

/** A fresh folder for `.metaflow` and the flow files; `remove()` deletes it. */
export function makeWorkspace(prefix = 'mfstudio-ui-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, '.metaflow')); // concurrent runs race on creating it
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of a Metaflow process writing into `dir`/.metaflow (as tests/runs_fixture.py). */
export function flowEnv(dir, extra = {}) {
  return {
    ...process.env,
    ...metaflowEnv(dir),
    METAFLOW_DEFAULT_DATASTORE: 'local',
    METAFLOW_DEFAULT_METADATA: 'local',
    METAFLOW_DATASTORE_SYSROOT_LOCAL: dir,
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

/**
 * Starts `python <fixture> run ARGS` in `dir` (the fixture, relative to test-fixtures/, is
 * copied there first). `done` resolves with its exit code and output; `runId()` resolves
 * with the run's pathspec once Metaflow has written the run id file.
 */
export function startFlow(dir, fixture, args, { flow, env = {}, idFile }) {
  const file = path.basename(fixture);
  fs.copyFileSync(path.join(REPO_ROOT, 'test-fixtures', fixture), path.join(dir, file));
  const idPath = path.join(dir, idFile);
  const child = spawn(PYTHON, [file, '--no-pylint', 'run', '--run-id-file', idFile, ...args], {
    cwd: dir,
    env: flowEnv(dir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  let exited = false;
  void done.then(() => (exited = true));
  const runId = async (timeout = 120000) => {
    const deadline = Date.now() + timeout;
    while (!fs.existsSync(idPath) || fs.readFileSync(idPath, 'utf8').trim() === '') {
      if (exited || Date.now() > deadline) throw new Error(`${fixture} wrote no run id (exit ${child.exitCode}):\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return `${flow}/${fs.readFileSync(idPath, 'utf8').trim()}`;
  };
  return { child, done, runId };
}

/** Runs a fixture flow to its end; resolves with its pathspec. Rejects unless it ends as `expectOk` says. */
export async function runFlow(dir, fixture, args, options) {
  const { done, runId } = startFlow(dir, fixture, args, options);
  const { code, output } = await done;
  const ok = options.expectOk ?? true;
  if ((code === 0) !== ok) throw new Error(`${fixture} ${args.join(' ')} exited ${code}, expected ${ok ? 'success' : 'failure'}:\n${output}`);
  return runId(1000);
}

/**
 * `mfstudio ui --no-browser --port 0 --root DIR`: resolves with its base URL (from the
 * address it prints) and `stop()` (Ctrl-C, then the exit code). Rejects with the server's
 * output if it exits or prints no address within `timeout`.
 */
export function startUiServer(dir, timeout = 60000) {
  const child = spawn(MFSTUDIO_CLI, ['ui', '--no-browser', '--port', '0', '--root', dir], {
    env: flowEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`printed no address within ${timeout} ms`), timeout);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`mfstudio ui ${why}:\n${output}`));
    };
    const onEarlyExit = (code) => fail(`exited with ${code}`);
    const onData = (chunk) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/?/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onEarlyExit);
      const exited = new Promise((r) => child.once('exit', (code) => r(code)));
      resolve({
        url: match[1],
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c));
    child.once('exit', onEarlyExit);
  });
}
