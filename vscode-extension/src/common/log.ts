/**
 * Logging: the extension and the language client share one LogOutputChannel
 * ("Metaflow Studio", created in extension.ts). Modules take the narrow `Log` interface,
 * which that channel satisfies, so pure modules stay testable without the vscode API.
 */

export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** A readable message for anything thrown (Error, string, JSON-RPC error object). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  if (typeof error === 'string') {
    return error;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

/**
 * The last few kilobytes of a stream (the server's stderr): when the server dies while
 * starting, its last line (e.g. `ModuleNotFoundError: No module named 'pygls'`) is the
 * reason shown to the user.
 */
export class TextTail {
  private text = '';

  constructor(private readonly maxChars = 8192) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.maxChars);
  }

  /** The last non-blank line, trimmed; '' when nothing was written. */
  lastLine(): string {
    const lines = this.text.split(/\r?\n/).map((line) => line.trim());
    return lines.filter((line) => line !== '').pop() ?? '';
  }
}
