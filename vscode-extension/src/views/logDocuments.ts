/**
 * A task's log as a read-only virtual document (`metaflow-log:/Flow/run/step/task/stdout.log
 * ?root=...`): the last LOG_TAIL lines from `metaflow/logs`, never the whole file. "Follow"
 * re-fetches every FOLLOW_INTERVAL_MS while the task runs and stops once it has ended (or
 * the document is closed).
 */
import * as vscode from 'vscode';
import { LOG_SCHEME } from '../common/constants';
import { errorMessage } from '../common/log';
import type { LogStream, RunsSource } from '../common/runsProtocol';
import { formatLog, logPath, parseLogPath } from './runsText';

export const LOG_TAIL = 1000;
export const FOLLOW_INTERVAL_MS = 2000;

export interface LogRef {
  task: string;
  stream: LogStream;
  root: string | undefined;
}

export function logUri(ref: LogRef): vscode.Uri {
  const query = ref.root !== undefined ? new URLSearchParams({ root: ref.root }).toString() : '';
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: logPath(ref.task, ref.stream), query });
}

function parseLogUri(uri: vscode.Uri): LogRef | undefined {
  const parsed = parseLogPath(uri.path);
  if (parsed === undefined) {
    return undefined;
  }
  return { task: parsed.pathspec, stream: parsed.stream, root: new URLSearchParams(uri.query).get('root') ?? undefined };
}

export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly following = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[];

  readonly onDidChange = this.changed.event;

  constructor(private readonly source: RunsSource) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((document) => this.unfollow(document.uri)),
      this.changed,
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseLogUri(uri);
    if (ref === undefined) {
      return `# ${uri.toString()} is not a Metaflow log address.\n`;
    }
    try {
      const excerpt = await this.source.request('metaflow/logs', { root: ref.root, task: ref.task, stream: ref.stream, tail: LOG_TAIL });
      return formatLog(excerpt, this.following.has(uri.toString()));
    } catch (error) {
      return `# Could not read the ${ref.stream} of ${ref.task}: ${errorMessage(error)}\n`;
    }
  }

  /** Opens the log in an editor; with `follow`, keeps it fresh while the task runs. */
  async open(ref: LogRef, follow = false): Promise<vscode.TextEditor> {
    const uri = logUri(ref);
    if (follow) {
      this.follow(uri, ref);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    this.changed.fire(uri); // an already open document shows the newest lines too
    return editor;
  }

  isFollowing(uri: vscode.Uri): boolean {
    return this.following.has(uri.toString());
  }

  private follow(uri: vscode.Uri, ref: LogRef): void {
    const key = uri.toString();
    if (this.following.has(key)) {
      return;
    }
    const step = ref.task.slice(0, ref.task.lastIndexOf('/'));
    const timer = setInterval(() => {
      void this.source
        .request('metaflow/tasks', { root: ref.root, step })
        .then((listing) => listing.tasks.find((t) => t.pathspec === ref.task)?.status !== 'running')
        .catch(() => true)
        .then((ended) => {
          if (ended) {
            this.unfollow(uri);
          }
          this.changed.fire(uri);
        });
    }, FOLLOW_INTERVAL_MS);
    this.following.set(key, timer);
  }

  private unfollow(uri: vscode.Uri): void {
    const key = uri.toString();
    clearInterval(this.following.get(key));
    this.following.delete(key);
  }

  dispose(): void {
    for (const timer of this.following.values()) {
      clearInterval(timer);
    }
    this.following.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
