#!/usr/bin/env node
/**
 * Starts a real VS Code workbench (code-server on Node 24) with a fresh, throw-away profile.
 *
 * Why this exists: the end-to-end tests and the README's demo both need "a VS Code with our
 * .vsix installed, opened on a folder, reachable from a browser", and nothing of the user's
 * own editor state may leak into it (or be written by it). Each start gets its own temp dir
 * holding the user data, extensions, config, TMPDIR and XDG_* folders; `stop()` kills the
 * whole process group (code-server forks the extension host, the language server, ...) and
 * removes that dir. Only `node:*` modules are used so the demo runs before `npm install`.
 *
 * Library:  `const cs = await startCodeServer({ folder, vsix: [path], smokeDriver: true })`
 *           -> `{ url, baseUrl, port, folder, profileDir, userSettingsPath, log(), stop() }`
 * CLI:      `node scripts/code-server.mjs --folder test-fixtures/demo --vsix dist.vsix [--port 8080]`
 *           prints the workbench URL and stays up until Ctrl-C.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Settings that keep the workbench quiet and deterministic: no chat, tips, updates or telemetry. */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'editor.codeLens': true,
});

/**
 * Finds Node 24 and code-server's entry point: from the env lines `scripts/setup-workbench.sh`
 * prints (already exported, e.g. by scripts/e2e.sh), else by running that script (idempotent,
 * cached under ~/.cache/metaflow-studio; installs on a fresh machine).
 */
export function resolveWorkbench(env = process.env) {
  let node = env.MFSTUDIO_NODE24;
  let entry = env.MFSTUDIO_CODE_SERVER;
  if (!node || !entry) {
    const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'setup-workbench.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const m of out.matchAll(/^export (MFSTUDIO_\w+)=(.*)$/gm)) {
      if (m[1] === 'MFSTUDIO_NODE24') node = m[2].trim();
      if (m[1] === 'MFSTUDIO_CODE_SERVER') entry = m[2].trim();
    }
  }
  if (!node || !fs.existsSync(node)) throw new Error(`Node 24 not found (${node}); run scripts/setup-workbench.sh`);
  if (!entry || !fs.existsSync(entry)) throw new Error(`code-server not found (${entry}); run scripts/setup-workbench.sh`);
  return { node, entry };
}

/** The workbench URL for a folder; slashes are kept readable, the rest is encoded. */
export function workbenchUrl(baseUrl, folder, extraQuery = '') {
  const f = encodeURIComponent(folder).replace(/%2F/g, '/');
  return `${baseUrl}/?folder=${f}${extraQuery}`;
}

function makeProfile(settings) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfstudio-cs-'));
  const p = {
    dir,
    config: path.join(dir, 'config.yaml'),
    userData: path.join(dir, 'user-data'),
    extensions: path.join(dir, 'extensions'),
    tmp: path.join(dir, 'tmp'),
    xdg: path.join(dir, 'xdg'),
    log: path.join(dir, 'code-server.log'),
  };
  for (const d of [p.extensions, p.tmp, path.join(p.userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  for (const d of ['config', 'data', 'cache', 'state']) fs.mkdirSync(path.join(p.xdg, d), { recursive: true });
  fs.writeFileSync(p.config, '# every option is passed on the command line\nauth: none\n');
  p.userSettings = path.join(p.userData, 'User', 'settings.json');
  fs.writeFileSync(p.userSettings, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return p;
}

function childEnv(profile, node, extra) {
  return {
    ...process.env,
    PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
    TMPDIR: profile.tmp,
    XDG_CONFIG_HOME: path.join(profile.xdg, 'config'),
    XDG_DATA_HOME: path.join(profile.xdg, 'data'),
    XDG_CACHE_HOME: path.join(profile.xdg, 'cache'),
    XDG_STATE_HOME: path.join(profile.xdg, 'state'),
    METAFLOW_CLIENT_CACHE_PATH: path.join(profile.tmp, 'metaflow-client'),
    ...extra,
  };
}

function profileArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(args[0] ?? cmd)} exited ${code}:\n${out}`))));
  });
}

function healthy(baseUrl) {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Synchronous clean-ups of the instances still running, run when this process ends. */
const live = new Set();
let hooksInstalled = false;

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const runAll = () => {
    for (const f of live) f();
    live.clear();
  };
  process.on('exit', runAll);
  // Default signal handling skips 'exit' handlers: clean up, then end as the signal would.
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(sig, () => {
      runAll();
      process.exit(code);
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 (`port` 0 = a free port chosen by the OS) opened on `folder`.
 * @param {object} o
 * @param {string} o.folder workspace folder (absolute or relative to the cwd)
 * @param {string[]} [o.vsix] .vsix files installed into the fresh profile before start
 * @param {number} [o.port] TCP port; 0 (default) picks a free one
 * @param {boolean} [o.smokeDriver] pass `--vscode-option enable-smoke-test-driver` (in-host tests)
 * @param {Record<string, unknown>} [o.settings] user settings merged over QUIET_SETTINGS
 * @param {Record<string, string>} [o.env] extra environment for code-server and its children
 * @param {number} [o.timeoutMs] how long to wait for /healthz
 * @param {string[]} [o.alsoRemove] more temp dirs (e.g. a workspace copy) to delete with the profile
 */
export async function startCodeServer(o) {
  const folder = path.resolve(o.folder);
  if (!fs.statSync(folder).isDirectory()) throw new Error(`not a folder: ${folder}`);
  const { node, entry } = resolveWorkbench();
  const profile = makeProfile(o.settings ?? {});
  const env = childEnv(profile, node, o.env ?? {});
  const started = Date.now();
  let child;
  const cleanup = () => {
    for (const dir of [profile.dir, ...(o.alsoRemove ?? [])]) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const vsix of o.vsix ?? []) {
      const abs = path.resolve(vsix);
      if (!fs.existsSync(abs)) throw new Error(`vsix not found: ${abs}`);
      await run(node, [entry, ...profileArgs(profile), '--install-extension', abs, '--force'], { env });
    }
    const args = [
      entry, ...profileArgs(profile),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${o.port ?? 0}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--reconnection-grace-time', '5',
      ...(o.smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      folder,
    ];
    const logFd = fs.openSync(profile.log, 'a');
    // detached: its own process group, so stop() reaches the extension host and the servers it spawned
    child = spawn(node, args, { env, cwd: folder, detached: true, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
  } catch (e) {
    cleanup();
    throw e;
  }
  const readLog = () => {
    try {
      return fs.readFileSync(profile.log, 'utf8');
    } catch {
      return '';
    }
  };
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, sig) => r((exited = { code, sig }))));
  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  // If this process ends without stop() (a test runner's timeout, Ctrl-C), nothing is left behind.
  const emergency = () => {
    killGroup('SIGKILL');
    cleanup();
  };
  live.add(emergency);
  installExitHooks();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    live.delete(emergency);
    if (!exited) {
      killGroup('SIGTERM');
      await Promise.race([exitPromise, sleep(3000)]);
    }
    killGroup('SIGKILL'); // whatever of the group is left (extension host, language server)
    cleanup();
  };

  try {
    const deadline = Date.now() + (o.timeoutMs ?? 30000);
    let port = o.port ?? 0;
    for (;;) {
      if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before it was healthy:\n${readLog()}`);
      if (Date.now() > deadline) throw new Error(`code-server not healthy after ${o.timeoutMs ?? 30000} ms:\n${readLog()}`);
      if (!port) {
        const m = readLog().match(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (m) port = Number(m[1]);
      }
      if (port && (await healthy(`http://127.0.0.1:${port}`))) break;
      await sleep(50);
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    return {
      url: workbenchUrl(baseUrl, folder),
      baseUrl,
      port,
      folder,
      pid: child.pid,
      profileDir: profile.dir,
      userSettingsPath: profile.userSettings,
      startupMs: Date.now() - started,
      log: readLog,
      /** Resolves with {code, sig} when code-server exits (on its own or after stop()). */
      exited: exitPromise,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function parseCli(argv) {
  const o = { vsix: [], folder: undefined, port: 0, smokeDriver: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--folder') o.folder = val();
    else if (a === '--vsix') o.vsix.push(val());
    else if (a === '--port') {
      o.port = Number(val());
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`bad --port: ${argv[i]}`);
    }
    else if (a === '--smoke-driver') o.smokeDriver = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`unknown argument: ${a}`);
  }
  return o;
}

async function main() {
  const usage = 'usage: node scripts/code-server.mjs --folder DIR [--vsix FILE]... [--port N] [--smoke-driver]';
  let o;
  try {
    o = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  if (o.help || !o.folder) {
    console.error(usage);
    process.exit(o.help ? 0 : 2);
  }
  const cs = await startCodeServer(o);
  console.log(cs.url);
  console.error(`[code-server] up in ${cs.startupMs} ms (profile ${cs.profileDir}); Ctrl-C to stop`);
  // Ctrl-C / SIGTERM: the exit hooks installed by startCodeServer kill the process group and
  // remove the profile before this process exits.
  cs.exited.then((how) => {
    console.error(`[code-server] exited on its own (${JSON.stringify(how)}):\n${cs.log().slice(-4000)}`);
    void cs.stop().then(() => process.exit(1));
  });
  setInterval(() => {}, 1 << 30); // stay up until a signal arrives
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
