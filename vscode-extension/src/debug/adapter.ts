/**
 * How VS Code talks to debugpy for the `metaflow` debug type, without the Python extension:
 * a launch session starts debugpy's own adapter with the command the plan gives
 * (`adapterCommand`: the interpreter running mfstudio's quick start of
 * `python -m debugpy.adapter`); a child session (a task's process, announced by debugpy,
 * when the task runs in spin's child process) connects to the adapter port debugpy gave.
 */
import * as vscode from 'vscode';

/** Where a child process's debug server listens (`connect` of debugpy's attach body). */
export function connectOf(configuration: vscode.DebugConfiguration): { host: string; port: number } | undefined {
  const connect: unknown = configuration.connect;
  if (typeof connect !== 'object' || connect === null) {
    return undefined;
  }
  const { host, port } = connect as { host?: unknown; port?: unknown };
  return typeof port === 'number' ? { host: typeof host === 'string' ? host : '127.0.0.1', port } : undefined;
}

/** The interpreter of a resolved launch configuration (debugpy's `python`: a path or argv). */
export function pythonOf(configuration: vscode.DebugConfiguration): string | undefined {
  const python: unknown = configuration.python;
  if (typeof python === 'string' && python !== '') {
    return python;
  }
  return Array.isArray(python) && typeof python[0] === 'string' ? python[0] : undefined;
}

/** The command that starts debugpy's adapter: the plan's `adapterCommand`, else `python -m debugpy.adapter`. */
export function adapterCommandOf(configuration: vscode.DebugConfiguration): string[] | undefined {
  const command: unknown = configuration.adapterCommand;
  if (Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string')) {
    return command as string[];
  }
  const python = pythonOf(configuration);
  return python === undefined ? undefined : [python, '-m', 'debugpy.adapter'];
}

export class DebugpyAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const configuration = session.configuration;
    const connect = connectOf(configuration);
    if (configuration.request === 'attach' && connect !== undefined) {
      this.log.info(`Debug: attaching "${session.name}" to ${connect.host}:${connect.port}.`);
      return new vscode.DebugAdapterServer(connect.port, connect.host);
    }
    const command = adapterCommandOf(configuration);
    if (command === undefined) {
      throw new Error('This Metaflow debug configuration names no Python interpreter; start it from "Debug step" or launch.json.');
    }
    const [program, ...args] = command as [string, ...string[]];
    this.log.info(`Debug: starting debugpy's adapter (${command.join(' ')}) for "${session.name}".`);
    return new vscode.DebugAdapterExecutable(program, args, { cwd: typeof configuration.cwd === 'string' ? configuration.cwd : undefined });
  }
}

/**
 * debugpy announces each child process (each Metaflow task) with a `debugpyAttach` event
 * when the editor cannot start child sessions by itself; this opens that child session,
 * as a child of the session that announced it, so breakpoints in the step body are hit.
 * (VS Code answers debugpy's `startDebugging` request itself; both end in the factory.)
 */
export function followChildProcesses(log: vscode.LogOutputChannel, debugType: string): vscode.Disposable {
  return vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => {
    if (event.session.type !== debugType || event.event !== 'debugpyAttach') {
      return;
    }
    const body = (event.body ?? {}) as Record<string, unknown>;
    const configuration: vscode.DebugConfiguration = {
      ...body,
      type: debugType,
      request: 'attach',
      name: typeof body.name === 'string' ? body.name : `${event.session.name} (child)`,
    };
    log.info(`Debug: ${event.session.name} started a child process; attaching "${configuration.name}".`);
    void vscode.debug.startDebugging(event.session.workspaceFolder, configuration, {
      parentSession: event.session,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
      lifecycleManagedByParent: true,
      compact: true,
    });
  });
}
