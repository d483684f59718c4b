/**
 * Which Python runs the language server, and whether it can.
 *
 * Order (docs/vscode-extension.md): the interpreter chosen in the Python extension, else
 * the `metaflow.pythonPath` setting, else the nearest `.venv` in the workspace folder or its
 * ancestors, else `python3`. Pure apart from the file system and one child process, so it
 * is unit-tested over real temp folders and real interpreters.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export type InterpreterSource = 'python-extension' | 'setting' | 'venv' | 'default';

export interface Interpreter {
  /** An executable path, or a bare command name looked up on PATH. */
  path: string;
  source: InterpreterSource;
}

export interface InterpreterInputs {
  /** The executable the Python extension has selected for this folder, if any. */
  pythonExtensionPath?: string;
  /** `metaflow.pythonPath`, already normalised. */
  settingPath?: string;
  /** Where the `.venv` search starts: the workspace folder (or the document's folder). */
  searchFrom?: string;
  platform?: NodeJS.Platform;
  exists?: (file: string) => boolean;
}

/** The venv-relative path of the interpreter on this platform. */
export function venvPython(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32'
    ? path.win32.join(venvDir, 'Scripts', 'python.exe')
    : path.posix.join(venvDir, 'bin', 'python');
}

/** The nearest `<dir>/.venv`'s python, looking in `startDir` and then each ancestor. */
export function findVenvPython(
  startDir: string,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = existsSync,
): string | undefined {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  let dir = paths.resolve(startDir);
  for (;;) {
    const candidate = venvPython(paths.join(dir, '.venv'), platform);
    if (exists(candidate)) {
      return candidate;
    }
    const parent = paths.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

export function chooseInterpreter(inputs: InterpreterInputs): Interpreter {
  const platform = inputs.platform ?? process.platform;
  if (inputs.pythonExtensionPath) {
    return { path: inputs.pythonExtensionPath, source: 'python-extension' };
  }
  if (inputs.settingPath) {
    return { path: inputs.settingPath, source: 'setting' };
  }
  if (inputs.searchFrom !== undefined) {
    const found = findVenvPython(inputs.searchFrom, platform, inputs.exists ?? existsSync);
    if (found !== undefined) {
      return { path: found, source: 'venv' };
    }
  }
  return { path: platform === 'win32' ? 'python' : 'python3', source: 'default' };
}

export function describeInterpreter(interpreter: Interpreter): string {
  const where = {
    'python-extension': 'selected in the Python extension',
    setting: 'from the metaflow.pythonPath setting',
    venv: 'the workspace .venv',
    default: 'the default on PATH',
  }[interpreter.source];
  return `${interpreter.path} (${where})`;
}

export type ModuleCheck =
  | { ok: true; pythonVersion: string }
  | { ok: false; problem: 'interpreter-not-found' | 'python-too-old' | 'module-missing' | 'failed'; detail: string };

/**
 * Asks `<python>` whether it can find `module` (importlib's find_spec: the module's parent
 * packages are imported, the module itself is not, so the check takes ~0.1 s where importing
 * the server would take seconds). Never throws; the detail is the useful last line of
 * Python's error, for the log and the message.
 */
export function checkPythonModule(
  python: string,
  module: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string; minVersion?: readonly [number, number] } = {},
): Promise<ModuleCheck> {
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(module)) {
    return Promise.resolve({ ok: false, problem: 'failed', detail: `not a module name: ${module}` });
  }
  const [major, minor] = options.minVersion ?? [3, 0];
  const tooOld = `Python ${major}.${minor} or newer is needed`;
  const code = [
    'import sys, importlib.util',
    `if sys.version_info < (${Math.trunc(major)}, ${Math.trunc(minor)}): sys.exit("${tooOld}, this is " + sys.version.split()[0])`,
    `if importlib.util.find_spec('${module}') is None: sys.exit("ModuleNotFoundError: No module named '${module}'")`,
    'sys.stdout.write(sys.version.split()[0])',
  ].join('\n');
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', code],
      { timeout: options.timeoutMs ?? 20_000, env: options.env, cwd: options.cwd, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, pythonVersion: stdout.trim() });
          return;
        }
        const errno = (error as NodeJS.ErrnoException).code;
        if (errno === 'ENOENT' || errno === 'EACCES') {
          resolve({ ok: false, problem: 'interpreter-not-found', detail: `${python}: ${error.message}` });
          return;
        }
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        const problem = lastLine.startsWith(tooOld)
          ? 'python-too-old'
          : /ModuleNotFoundError|No module named/.test(stderr)
            ? 'module-missing'
            : 'failed';
        resolve({ ok: false, problem, detail: lastLine || error.message });
      },
    );
  });
}
