/**
 * The interpreter selected in the Python extension (ms-python.python), through its
 * published API, and one event when that selection changes. When the Python extension
 * is not installed this reports nothing and the fallbacks of interpreter.ts apply.
 */
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { errorMessage, type Log } from './log';

export class PythonInterpreters implements vscode.Disposable {
  private api: PythonExtension | undefined;
  private connecting: Promise<PythonExtension | undefined> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires when the selected interpreter changes or the Python extension appears. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Log) {
    this.disposables.push(
      vscode.extensions.onDidChange(() => {
        if (this.api === undefined && vscode.extensions.getExtension(PVSC_EXTENSION_ID)) {
          void this.connect().then((api) => api && this.changed.fire());
        }
      }),
    );
  }

  /** The executable selected for `resource` in the Python extension, if it is installed. */
  async selectedFor(resource: vscode.Uri | undefined): Promise<string | undefined> {
    const api = await this.connect();
    if (api === undefined) {
      return undefined;
    }
    try {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      const executable = resolved?.executable.uri?.fsPath;
      if (executable === undefined) {
        this.log.warn(`The Python extension's environment ${active.path} has no interpreter; using the fallbacks.`);
      }
      return executable;
    } catch (error) {
      this.log.warn(`Could not read the Python extension's interpreter: ${errorMessage(error)}`);
      return undefined;
    }
  }

  private connect(): Promise<PythonExtension | undefined> {
    if (this.api !== undefined) {
      return Promise.resolve(this.api);
    }
    if (vscode.extensions.getExtension(PVSC_EXTENSION_ID) === undefined) {
      return Promise.resolve(undefined);
    }
    this.connecting ??= PythonExtension.api().then(
      (api) => {
        this.api = api;
        this.disposables.push(
          api.environments.onDidChangeActiveEnvironmentPath(() => this.changed.fire()),
        );
        this.log.info('Following the interpreter selected in the Python extension.');
        return api;
      },
      (error: unknown) => {
        this.log.warn(`The Python extension's API is unavailable: ${errorMessage(error)}`);
        this.connecting = undefined;
        return undefined;
      },
    );
    return this.connecting;
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
